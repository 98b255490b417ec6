// One line of `run --watch` per state change or log line: its time, who, what — and for a task
// that completes, its result, cut to one readable line.
import type { FlowRunView } from "../contract/api-v1.ts";
import { clock } from "./output.ts";
import type { FeedItem } from "./watch-feed.ts";

/** Results longer than this are cut (with "…"): a watch line should fit a wide terminal. */
export const RESULT_CHARS = 200;

const FAILED_TASK_STATES = new Set(["Failed", "Crashed", "NotRun"]);

/** A JSON value on one line, at most `max` characters. */
export function oneLine(value: unknown, max = RESULT_CHARS): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? "null";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function formatFeedItem(item: FeedItem, run: Pick<FlowRunView, "taskRuns">): string {
  if (item.kind === "log") {
    const line = item.line;
    const who = line.task
      ? `${line.task}${line.attempt && line.attempt > 1 ? `#${line.attempt}` : ""}`
      : "run";
    const level = line.level === "info" ? "" : ` ${line.level.toUpperCase()}`;
    const head = `${clock(line.timestamp)}  ${who}${level} | `;
    // A message of several lines (a traceback) stays one block, aligned under its first line.
    const message = line.message.replaceAll("\n", `\n${" ".repeat(head.length - 2)}| `);
    return `${head}${message}`;
  }
  const event = item.event;
  const task = event.task === null ? undefined : run.taskRuns.find((t) => t.name === event.task);
  const attempt = event.attempt && event.attempt > 1 ? ` (attempt ${event.attempt})` : "";
  // Each attempt's own error (a retried attempt may fail otherwise than the last one).
  const why =
    event.error?.message ??
    (task && FAILED_TASK_STATES.has(event.to)
      ? (task.error?.message ?? event.message)
      : event.message);
  let text = `${clock(event.at)}  ${event.task ?? "flow run"} ${event.to}${attempt}${why ? `: ${why}` : ""}`;
  if (task && (event.to === "Completed" || event.to === "Cached") && task.state === event.to) {
    text += ` → ${oneLine(task.result)}`;
    if (task.resultFrom) text += ` (from run ${task.resultFrom})`;
  }
  return text;
}
