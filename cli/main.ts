// `npx pipebook …`: the command line for the public API (import flows, deploy, run and watch).
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { ApiClient } from "./api-client.ts";
import { deployCommand, DEPLOY_HELP } from "./commands/deploy.ts";
import { flowImportCommand, FLOW_IMPORT_HELP } from "./commands/flow-import.ts";
import { runCommand, RUN_HELP } from "./commands/run.ts";
import { DEFAULT_API_URL, loadCliConfig } from "./config.ts";
import { CliError, say, warn } from "./output.ts";

const HELP = `Usage: pipebook <command> [options]

Commands:
  flow import FILE     import a flow file (YAML or JSON) as a new version
  deploy FILE          import a flow file and deploy it to a work queue
  run DEPLOYMENT       create a flow run (--watch to follow it to the end)

Options for every command:
  --api-url URL        the server (default ${DEFAULT_API_URL}; PIPEBOOK_API_URL)
  --api-key KEY        an API key (PIPEBOOK_API_KEY; for a server on this machine, the key
                       in .pipebook/admin-api-key is used when neither is given)
  -h, --help           help for a command: pipebook run --help

The server itself starts with \`npm start\` in the Pipebook folder.`;

const COMMON = {
  "api-url": { type: "string" },
  "api-key": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function parse<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    const all = { ...COMMON, ...options } as typeof COMMON & T;
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see --help)`, 2);
  }
}

function positional(positionals: string[], what: string, help: string): string {
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length
        ? `expected one ${what}, got: ${positionals.join(" ")}`
        : `missing ${what}\n\n${help}`,
      2,
    );
  }
  return positionals[0]!;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    say(HELP);
    return command ? 0 : 2;
  }
  if (command === "--version") {
    say("pipebook CLI");
    return 0;
  }

  if (command === "flow") {
    const [sub, ...args] = rest;
    if (sub !== "import")
      throw new CliError(`unknown command "flow ${sub ?? ""}": try "pipebook flow import FILE"`, 2);
    const { values, positionals } = parse(args, {});
    if (values.help) return (say(FLOW_IMPORT_HELP), 0);
    const api = client(values);
    await flowImportCommand(api, positional(positionals, "FILE", FLOW_IMPORT_HELP), {
      json: values.json,
    });
    return 0;
  }

  if (command === "deploy") {
    const { values, positionals } = parse(rest, {
      name: { type: "string", default: "default" },
      queue: { type: "string", default: "default" },
      tag: { type: "string", multiple: true, default: [] },
      params: { type: "string" },
      retries: { type: "string" },
      description: { type: "string" },
    });
    if (values.help) return (say(DEPLOY_HELP), 0);
    await deployCommand(client(values), positional(positionals, "FILE", DEPLOY_HELP), {
      name: values.name,
      queue: values.queue,
      tags: values.tag,
      params: values.params,
      retries: values.retries,
      description: values.description,
      json: values.json,
    });
    return 0;
  }

  if (command === "run") {
    const { values, positionals } = parse(rest, {
      param: { type: "string", multiple: true, default: [] },
      params: { type: "string" },
      watch: { type: "boolean", default: false },
    });
    if (values.help) return (say(RUN_HELP), 0);
    return runCommand(client(values), positional(positionals, "DEPLOYMENT", RUN_HELP), {
      params: values.param,
      paramsJson: values.params,
      watch: values.watch,
      json: values.json,
    });
  }

  throw new CliError(`unknown command "${command}"\n\n${HELP}`, 2);
}

function client(values: { "api-url"?: string; "api-key"?: string }): ApiClient {
  return new ApiClient(loadCliConfig({ apiUrl: values["api-url"], apiKey: values["api-key"] }));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      warn(`pipebook: ${error.message}`);
      process.exit(error.exitCode);
    }
    warn(`pipebook: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
