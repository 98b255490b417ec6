// `npx pipebook …`: the command line for the public API. The commands are listed in
// cli/commands/index.ts; this file finds the one a command line names and runs it.
import { parseArgs } from "node:util";
import { closestName } from "../contract/closest-name.ts";
import { VERSION } from "../server/version.ts";
import { ApiClient } from "./api-client.ts";
import { COMMON_HELP, COMMON_OPTIONS, usage, type Command } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { loadCliConfig } from "./config.ts";
import { CliError, say, warn } from "./output.ts";

function list(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${c.operands}`.length)) + 2;
  return commands.map((c) => `  ${`${c.name} ${c.operands}`.padEnd(width)}${c.summary}`).join("\n");
}

const HELP = `Usage: pipebook <command> [options]

Commands:
${list(COMMANDS)}

${COMMON_HELP}

pipebook <command> --help shows a command's options. The server itself starts with
\`npm start\` in the Pipebook folder.`;

/** The command the words name (longest match first), and the words after it. */
function findCommand(words: string[]): { command: Command; rest: string[] } | undefined {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(" ");
    const command = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
    if (command && words.length >= length) return { command, rest: words.slice(length) };
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const [first] = argv;
  if (!first || first === "--help" || first === "-h" || first === "help") {
    say(HELP);
    return first ? 0 : 2;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    say(`pipebook ${VERSION}`);
    return 0;
  }

  const found = findCommand(argv);
  if (!found) {
    // A group's first word alone ("pipebook flow", "pipebook work-queue --help"): its commands.
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length) {
      const help = `Usage: pipebook ${first} <command> [options]\n\nCommands:\n${list(group)}`;
      const sub = argv[1];
      if (sub === undefined || sub === "--help" || sub === "-h") {
        say(help);
        return sub ? 0 : 2;
      }
      const hint = closestName(
        sub,
        group.map((c) => c.name.slice(first.length + 1)),
      );
      throw new CliError(
        `unknown command "${first} ${sub}"${hint ? ` (did you mean "${first} ${hint}"?)` : ""}\n\n${help}`,
        2,
      );
    }
    const names = [
      ...new Set(COMMANDS.flatMap((c) => [c.name.split(" ")[0]!, ...(c.aliases ?? [])])),
    ];
    const hint = closestName(first, names);
    throw new CliError(
      `unknown command "${first}"${hint ? ` (did you mean "${hint}"?)` : ""}\n\n${HELP}`,
      2,
    );
  }

  const { command, rest } = found;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see pipebook ${command.name} --help)`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    say(usage(command));
    return 0;
  }
  const { min, max } = command.arity;
  if (positionals.length < min) {
    throw new CliError(
      `missing ${command.operands.split(" ")[positionals.length] ?? "operands"}\n\n${usage(command)}`,
      2,
    );
  }
  if (positionals.length > max) {
    throw new CliError(
      `too many operands: ${positionals.slice(max).join(" ")} (see pipebook ${command.name} --help)`,
      2,
    );
  }
  let client: ApiClient | undefined;
  const api = () =>
    (client ??= new ApiClient(
      loadCliConfig({
        apiUrl: values["api-url"] as string | undefined,
        apiKey: values["api-key"] as string | undefined,
      }),
    ));
  const code = await command.run({ api, values: values as never, positionals });
  return code ?? 0;
}

// Exit once stdout and stderr have flushed: into a pipe their writes are asynchronous, and an
// immediate process.exit cut `pipebook logs` of 200,000 lines short by ~800 (logs.spec, under
// load). The empty writes' callbacks run after every write queued before them.
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  if (error instanceof CliError) {
    warn(`pipebook: ${error.message}`);
    exitAfterFlush(error.exitCode);
    return;
  }
  warn(`pipebook: ${(error as Error).stack ?? String(error)}`);
  exitAfterFlush(1);
});
