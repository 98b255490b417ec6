// Withdrawing runs no agent has taken yet (a schedule changed, a backfill cancelled): each
// Scheduled run becomes Cancelled with its task runs, inside the caller's transaction. A run an
// agent claimed meanwhile is left alone: it goes on (or is cancelled on its own page).
import type { Tx } from "../db/client.ts";
import { publish } from "../events/bus.ts";
import { transitionFlowRun, transitionTaskRuns } from "./state-machine/index.ts";

/** Cancels those of `ids` still Scheduled; returns the ones it cancelled. */
export async function cancelWaitingRuns(
  tx: Tx,
  ids: readonly string[],
  message: string,
): Promise<string[]> {
  const cancelled: string[] = [];
  for (const id of ids) {
    if (await transitionFlowRun(tx, { id, from: ["Scheduled"], to: "Cancelled", message })) {
      await transitionTaskRuns(tx, { flowRunId: id, from: ["Pending"], to: "Cancelled", message });
      cancelled.push(id);
    }
  }
  return cancelled;
}

/** After the transaction committed: the runs' pages and whoever waits for them learn it. */
export function announceCancelled(ids: readonly string[]): void {
  for (const id of ids) {
    publish("run-changed", id);
    publish("run-ended", id);
  }
}
