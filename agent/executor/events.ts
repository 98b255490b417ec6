// What the executor says about a run, as report events: pushed to the run's reporter by the
// process runner, or written as JSON lines by an agent inside a container.
import type { ReportEvent, TaskError } from "../../contract/agent-protocol.ts";

export type EventSink = { push(event: ReportEvent): void };

export const now = () => new Date().toISOString();

export function errorLine(
  task: string,
  attempt: number,
  error: TaskError,
  item?: number,
): ReportEvent {
  return {
    type: "log",
    task,
    ...(item !== undefined ? { item } : {}),
    attempt,
    level: "error",
    message: error.traceback?.trimEnd() || `${error.type}: ${error.message}`,
    at: now(),
  };
}

/** A task (or an item) that never starts, with why; its message is the cause's, as the run page shows it. */
export function notRunEvent(
  task: string,
  attempt: number,
  error: TaskError,
  item?: number,
): ReportEvent {
  return {
    type: "task",
    task,
    ...(item !== undefined ? { item } : {}),
    state: "NotRun",
    at: now(),
    attempt,
    error,
    message: error.message,
  };
}
