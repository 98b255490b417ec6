// The claim long-poll: answer at once when runs are due, else wait — woken the moment a run is
// queued on one of the agent's queues (in-process event, or NOTIFY from another replica) — and
// answer "nothing" after `waitMs`. This is what lets a run start within milliseconds of its
// trigger instead of on a polling tick.
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { waitFor } from "../events/bus.ts";
import { claimFlowRuns } from "../runs/state-machine/index.ts";
import { buildClaimedRuns } from "./build-claimed-run.ts";
import { findAgent } from "./find-agent.ts";

// A wake-up can be missed (a replica's LISTEN connection was re-established, a run became due
// by its scheduled time): look again at least this often while waiting.
const RECHECK_MS = 1_000;

export async function claimRuns(
  db: Db,
  request: {
    agentId: string;
    capacity: number;
    waitMs: number;
    leaseMs: number;
    signal?: AbortSignal;
  },
): Promise<ClaimedRun[]> {
  // lastSeenAt is the heartbeat's to keep: a claim is on the dispatch path.
  const agent = await findAgent(db, request.agentId);
  const queues = new Set(agent.queues);
  const deadline = Date.now() + request.waitMs;

  for (;;) {
    // Subscribe first, then look: a run queued in between still wakes us.
    const wake = waitFor("run-queued", (queue) => queues.has(queue), {
      timeoutMs: Math.min(RECHECK_MS, deadline - Date.now()),
      signal: request.signal,
    });
    // One statement, atomic by itself: no transaction round trips on the dispatch path.
    const rows = await claimFlowRuns(db, {
      agentId: agent.id,
      queues: agent.queues,
      tags: agent.tags,
      capacity: request.capacity,
      leaseMs: request.leaseMs,
    });
    if (rows.length || Date.now() >= deadline || request.signal?.aborted) {
      wake.cancel();
      return buildClaimedRuns(db, rows);
    }
    await wake.promise;
    if (request.signal?.aborted) return [];
  }
}
