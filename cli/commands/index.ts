// Every command of `npx pipebook`, in the order `pipebook --help` lists them.
import type { Command } from "../command.ts";
import { deployCommand } from "./deploy.ts";
import { flowImportCommand } from "./flow-import.ts";
import { runCommand } from "./run.ts";
import { runsCommand } from "./runs.ts";

export const COMMANDS: readonly Command[] = [
  flowImportCommand,
  deployCommand,
  runCommand,
  runsCommand,
];
