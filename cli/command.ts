// What a CLI command is: its words ("work-queue preview"), its operands, its help, its options
// (node:util parseArgs) and what it does. cli/commands/index.ts lists them all; cli/main.ts
// finds the one a command line names, parses its options and runs it — so every command gets
// --help, the common options and the same errors without writing them again.
import type { ParseArgsOptionsConfig } from "node:util";
import type { ApiClient } from "./api-client.ts";

export const COMMON_OPTIONS = {
  "api-url": { type: "string" },
  "api-key": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsOptionsConfig;

export const COMMON_HELP = `Options for every command:
  --api-url URL        the server (default http://127.0.0.1:4200; PIPEBOOK_API_URL)
  --api-key KEY        an API key (PIPEBOOK_API_KEY; for a server on this machine, the admin
                       key in .pipebook/admin-api-key of this folder or a parent is used)
  --json               print the server's answers as JSON, for scripts
  -h, --help           this command's help`;

export type CommandContext<V> = {
  /** The client of the server the options name (made on first use). */
  api: () => ApiClient;
  values: V & { json: boolean };
  positionals: string[];
};

export type Command<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> = {
  /** The words that name it: "run", "flow import", "work-queue ls". */
  name: string;
  /** Other names of the same command ("runs" for "runs ls"). */
  aliases?: string[];
  /** Its operands in the usage line: "DEPLOYMENT", "RUN [TASK]". */
  operands: string;
  /** How many operands it takes. */
  arity: { min: number; max: number };
  /** One line for the list of commands. */
  summary: string;
  /** The rest of its help: what it does, then its options. */
  help: string;
  options: O;
  run(context: CommandContext<ParsedValues<O>>): Promise<number | void>;
};

type ValueOf<T> = T extends { type: "string"; multiple: true }
  ? string[]
  : T extends { type: "string" }
    ? string
    : T extends { type: "boolean" }
      ? boolean
      : never;

export type ParsedValues<O extends ParseArgsOptionsConfig> = {
  [K in keyof O]: O[K] extends { default: unknown } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

/** Declares a command with its option types inferred. */
export function defineCommand<const O extends ParseArgsOptionsConfig>(
  command: Command<O>,
): Command {
  return command as unknown as Command;
}

export function usage(command: Command): string {
  return `Usage: pipebook ${command.name}${command.operands ? ` ${command.operands}` : ""} [options]\n\n${command.help}\n\n${COMMON_HELP}`;
}
