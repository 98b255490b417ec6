// A concurrency limit as the CLI takes it: a whole number ≥ 0, or "none" to remove one.
import { CliError } from "./output.ts";

export function parseLimit(option: string, text: string, allowNone: boolean): number | null {
  if (allowNone && text === "none") return null;
  if (!/^\d+$/.test(text)) {
    throw new CliError(
      `${option}: "${text}" is not a limit: give a whole number ≥ 0${allowNone ? ', or "none" to remove the limit' : ""}`,
    );
  }
  return Number(text);
}
