// A mapped task's items as `pipebook run items` prints them: one row each — index, state,
// attempts, how long it ran, its input and its error — every cell on one line and cut short, so
// a table of 10,000 items stays a table.
import type { MappedItemView } from "../contract/api-v1.ts";
import { formatDurationMs } from "../contract/duration.ts";

export const ITEM_HEADER = ["INDEX", "STATE", "ATTEMPTS", "DURATION", "INPUT", "ERROR"] as const;

/** Longest input and error cells: a row should fit a wide terminal. */
export const INPUT_CHARS = 40;
export const ERROR_CHARS = 80;

/** `text` on one line, at most `max` characters (with "…" where it was cut). */
export function cell(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, " ⏎ ");
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A running item's duration counts up to `now`; one that never started has none. */
export function itemRow(item: MappedItemView, now: Date): string[] {
  const started = item.startedAt ? Date.parse(item.startedAt) : null;
  const ended = item.endedAt ? Date.parse(item.endedAt) : null;
  const duration =
    started === null
      ? "—"
      : formatDurationMs((ended ?? now.getTime()) - started) + (ended === null ? "…" : "");
  const error = item.error ? `${item.error.type}: ${item.error.message}` : "";
  return [
    String(item.index),
    item.resultFrom ? `${item.state} (from run ${item.resultFrom.slice(0, 8)})` : item.state,
    String(item.attempts),
    duration,
    cell(item.input ?? "", INPUT_CHARS),
    cell(error, ERROR_CHARS),
  ];
}
