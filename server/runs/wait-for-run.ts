// Waiting for a run to end without polling: answers as soon as the run reaches a final state
// (woken by the transition itself), or with its current state after `timeoutMs`.
import type { FlowRunView } from "../../contract/api-v1.ts";
import { isFinalDisplayState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { waitFor } from "../events/bus.ts";
import { getFlowRun } from "./get-flow-run.ts";

export async function waitForFlowRun(
  db: Db,
  id: string,
  options: { timeoutMs: number; lateAfterMs: number; leaseMs: number; signal?: AbortSignal },
): Promise<FlowRunView> {
  const ended = waitFor("run-ended", (payload) => payload === id, {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const now = await getFlowRun(db, id, options);
  if (isFinalDisplayState(now.state)) {
    ended.cancel();
    return now;
  }
  await ended.promise;
  return getFlowRun(db, id, options);
}
