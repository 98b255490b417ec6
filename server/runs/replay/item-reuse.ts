// Which items of a mapped task a replay keeps — the one rule, shared by the plan's preview and the
// replay itself. A replay that runs a mapped task again runs only its items that did not
// complete and reuses the others (Cached, their results copied into the new run), when
//   - it is a Retry from failure or a Run from here (a Retry runs everything again);
//   - the task runs again because it did not complete whole — it Failed, Crashed, was Cancelled,
//     or completed under `mapFailure: continue` with failed items — or it is the task a Run from
//     here starts from and some of its items did not complete (one whose items all completed
//     runs whole again: that is what Run from here asks for);
//   - some of its items completed;
//   - nothing its items compute from changed: not the task (task-changes.ts), not the
//     parameters, and none of its upstream tasks runs again (the list it maps over and its other
//     inputs are the ones the kept items saw).
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { ReplayMode } from "./plan-replay.ts";
import { taskChanges } from "./task-changes.ts";

/** A mapped task's items in the replayed run. */
export type SourceItems = {
  /** How many items the task had (its list's length). */
  count: number;
  /** How many completed (Completed or Cached) with a result kept. */
  kept: number;
};

/** Whether the source run's task completed whole: its own row, and every item when mapped. */
export const completedWhole = (items: SourceItems | undefined) =>
  items === undefined || items.kept >= items.count;

export function keepsItems(input: {
  mode: ReplayMode;
  /** The task in the replay's version, and as the replayed run's version had it. */
  task: Task;
  then: Task | undefined;
  /** Why the task itself runs again (plan-replay.ts), before its upstream is considered. */
  reason: string;
  items: SourceItems | undefined;
  changedParameters: readonly string[];
  /** Whether one of its dependencies runs again in the replay. */
  upstreamReruns: boolean;
}): boolean {
  const { mode, task, then, reason, items } = input;
  if (mode.kind === "retry" || !then || !items || items.kept === 0) return false;
  if (reason !== "notCompleted" && reason !== "fromTask") return false;
  if (reason === "fromTask" && completedWhole(items)) return false;
  if (input.upstreamReruns || input.changedParameters.length > 0) return false;
  return taskChanges(then, task).length === 0;
}
