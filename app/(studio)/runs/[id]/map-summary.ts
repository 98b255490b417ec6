// A mapped task's item counts as the run page shows them: how many are done, which states have
// items (in the palette's order), and "×N". Pure, unit-tested (map-summary.test.ts).
import { TASK_RUN_STATES, type TaskRunState } from "@/contract/run-states";
import type { RunPageTask } from "./use-run-page";

export type MapSummary = NonNullable<RunPageTask["map"]>;

// The bar's order: what is done first (left), then what runs, then what waits.
export const BAR_ORDER: readonly TaskRunState[] = [
  "Completed",
  "Cached",
  "Failed",
  "Crashed",
  "Cancelled",
  "NotRun",
  "Running",
  "Retrying",
  "Pending",
];

const FINAL = new Set<TaskRunState>([
  "Completed",
  "Cached",
  "Failed",
  "Crashed",
  "Cancelled",
  "NotRun",
]);

export function itemsDone(map: MapSummary): number {
  let done = 0;
  for (const [state, n] of Object.entries(map.states)) {
    if (FINAL.has(state as TaskRunState)) done += n;
  }
  return done;
}

/** The states items are in, in the palette's order, with their counts. */
export function itemStates(map: MapSummary): [TaskRunState, number][] {
  return TASK_RUN_STATES.filter((s) => (map.states[s] ?? 0) > 0).map((s) => [s, map.states[s]!]);
}

/** "×N" — or "×?" before the task's list was known. */
export const timesLabel = (map: MapSummary) =>
  map.count === null ? "×?" : `×${map.count.toLocaleString()}`;
