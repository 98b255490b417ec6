// A mapped task's items at a glance — how many, how many in each state — as the run's task list
// shows it (GET /api/v1/flow-runs/{id}, `run --watch`). Pure, so every count is unit-tested.
import type { MappedItemsView, TaskRunStateCounts } from "../../../contract/api-v1.ts";
import { mapSources } from "../../../contract/flow-file/mapping.ts";
import type { Task } from "../../../contract/flow-file/schema.ts";
import { TASK_RUN_STATES, type TaskRunState } from "../../../contract/run-states.ts";

export type ItemStateCount = { state: TaskRunState; count: number };

export function emptyStateCounts(): TaskRunStateCounts {
  return Object.fromEntries(TASK_RUN_STATES.map((s) => [s, 0])) as TaskRunStateCounts;
}

/**
 * `mapCount` is the task's own row's (set when its list was known); until all of a large
 * fan-out's items are announced the rows may be fewer, and the items not yet announced count
 * as Pending so that the states always add up to `count`.
 */
export function itemSummary(
  task: Pick<Task, "map" | "mapFailure">,
  mapCount: number | null,
  counts: readonly ItemStateCount[],
): MappedItemsView {
  const states = emptyStateCounts();
  let rows = 0;
  for (const { state, count } of counts) {
    states[state] += count;
    rows += count;
  }
  const count = Math.max(mapCount ?? 0, rows);
  states.Pending += count - rows;
  return { count, states, map: mapSources(task), mapFailure: task.mapFailure ?? "fail" };
}
