// Every command of `npx pipebook`, in the order `pipebook --help` lists them.
import type { Command } from "../command.ts";
import { deployCommand } from "./deploy.ts";
import { flowImportCommand } from "./flow-import.ts";
import { logsCommand } from "./logs.ts";
import { runCommand } from "./run.ts";

export const COMMANDS: readonly Command[] = [
  flowImportCommand,
  deployCommand,
  runCommand,
  logsCommand,
];
