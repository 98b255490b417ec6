// Every command of `npx pipebook`, in the order `pipebook --help` lists them.
import type { Command } from "../command.ts";
import { cancelCommand } from "./cancel.ts";
import { deployCommand } from "./deploy.ts";
import { flowImportCommand } from "./flow-import.ts";
import { flowsCommand } from "./flows.ts";
import { runCommand } from "./run.ts";

export const COMMANDS: readonly Command[] = [
  flowImportCommand,
  flowsCommand,
  deployCommand,
  runCommand,
  cancelCommand,
];
