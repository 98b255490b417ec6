// One line of `run --watch` per state change or log line: its time, who, what — and for a task
// that completes, its result, cut to one readable line. A mapped task shows as one task with its
// number of items and how many completed and failed (`get_stars ×10 Failed (8 done, 2 failed)`);
// of its items' own state changes only failures and retries are printed (a fan-out of 10,000
// items would otherwise print 20,000 lines), and their log lines name the item (`get_stars[7]`).
import type { FlowRunView, MappedItemsView } from "../contract/api-v1.ts";
import {
  FAILING_TASK_RUN_STATES,
  isFinalTaskRunState,
  isSuccessfulTaskRunState,
  type TaskRunState,
} from "../contract/run-states.ts";
import { clock } from "./output.ts";
import type { FeedItem } from "./watch-feed.ts";

/** Results longer than this are cut (with "…"): a watch line should fit a wide terminal. */
export const RESULT_CHARS = 200;

const FAILED_TASK_STATES: ReadonlySet<string> = new Set(FAILING_TASK_RUN_STATES);
/** An item's state changes worth a line of their own. */
const ITEM_STATES_SHOWN = new Set(["Failed", "Crashed", "Retrying"]);

/** A JSON value on one line, at most `max` characters. */
export function oneLine(value: unknown, max = RESULT_CHARS): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? "null";
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "8 done, 2 failed" (and any not run, cancelled, running or waiting). */
export function itemCounts(items: MappedItemsView): string {
  const s = items.states;
  const parts: [number, string][] = [
    [s.Completed + s.Cached, "done"],
    [s.Failed + s.Crashed, "failed"],
    [s.NotRun, "not run"],
    [s.Cancelled, "cancelled"],
    [s.Running + s.Retrying, "running"],
    [s.Pending, "waiting"],
  ];
  const shown = parts.filter(([n], i) => i < 2 || n > 0);
  return shown.map(([n, what]) => `${n.toLocaleString("en-US")} ${what}`).join(", ");
}

/** The line for `item`, or null for an item's state change that is not worth one. */
export function formatFeedItem(item: FeedItem, run: Pick<FlowRunView, "taskRuns">): string | null {
  if (item.kind === "log") {
    const line = item.line;
    const who = line.task
      ? `${line.task}${line.item === null || line.item === undefined ? "" : `[${line.item}]`}${line.attempt && line.attempt > 1 ? `#${line.attempt}` : ""}`
      : "run";
    const level = line.level === "info" ? "" : ` ${line.level.toUpperCase()}`;
    const head = `${clock(line.timestamp)}  ${who}${level} | `;
    // A message of several lines (a traceback) stays one block, aligned under its first line.
    const message = line.message.replaceAll("\n", `\n${" ".repeat(head.length - 2)}| `);
    return `${head}${message}`;
  }
  const event = item.event;
  const attempt = event.attempt && event.attempt > 1 ? ` (attempt ${event.attempt})` : "";
  if (event.item !== null && event.item !== undefined) {
    if (!ITEM_STATES_SHOWN.has(event.to)) return null;
    const why = event.error?.message ?? event.message;
    return `${clock(event.at)}  ${event.task}[${event.item}] ${event.to}${attempt}${why ? `: ${why}` : ""}`;
  }
  const task = event.task === null ? undefined : run.taskRuns.find((t) => t.name === event.task);
  // Each attempt's own error (a retried attempt may fail otherwise than the last one).
  const why =
    event.error?.message ??
    (task && FAILED_TASK_STATES.has(event.to)
      ? (task.error?.message ?? event.message)
      : event.message);
  let who = event.task ?? "flow run";
  let counts = "";
  if (task?.items) {
    const final = isFinalTaskRunState(event.to as TaskRunState) && task.state === event.to;
    // The count is known once the task has started (its list was read).
    if (task.items.count > 0 || final) who += ` ×${task.items.count.toLocaleString("en-US")}`;
    if (final && task.items.count > 0) counts = ` (${itemCounts(task.items)})`;
  }
  let text = `${clock(event.at)}  ${who} ${event.to}${attempt}${counts}${why ? `: ${why}` : ""}`;
  if (task && isSuccessfulTaskRunState(event.to as TaskRunState) && task.state === event.to) {
    text += ` → ${oneLine(task.result)}`;
    if (task.resultFrom) text += ` (from run ${task.resultFrom})`;
  }
  return text;
}
