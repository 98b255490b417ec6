// The claim long-poll: answer at once when runs are due, else wait — woken the moment a run is
// queued on one of the agent's queues (in-process event, or NOTIFY from another replica) — and
// answer "nothing" after `waitMs`. This is what lets a run start within milliseconds of its
// trigger instead of on a polling tick.
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { publish, waitFor } from "../events/bus.ts";
import { limitsInForce } from "../limits/limits-in-force.ts";
import {
  claimFlowRuns,
  claimFlowRunsWithinLimits,
  hasHeldBackRuns,
  releaseRuns,
  type ClaimedRow,
  type ClaimRequest,
} from "../runs/state-machine/index.ts";
import { buildClaimedRuns } from "./build-claimed-run.ts";
import { findAgent } from "./find-agent.ts";
import { awaitHandoff } from "./waiting-claims.ts";

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

  const claim: ClaimRequest = {
    agentId: agent.id,
    queues: agent.queues,
    tags: agent.tags,
    capacity: request.capacity,
    leaseMs: request.leaseMs,
  };

  for (let looks = 0; ; looks++) {
    // Subscribe first, then look: a run queued in between still wakes us.
    const timeoutMs = Math.min(RECHECK_MS, deadline - Date.now());
    const wake = waitFor("run-queued", (queue) => queues.has(queue), {
      timeoutMs,
      signal: request.signal,
    });
    const limits = await limitsInForce(db);
    // Under limits, a run ending (or a limit changing) may free a slot that a run of ours waits
    // for — also one of a tag shared with other queues: look again at once.
    const freed = limits.any ? waitForFreedSlot(timeoutMs, request.signal) : null;
    // Without limits, one statement, atomic by itself: no transaction round trips on the
    // dispatch path. With them, the serialized claim that never overfills a limit.
    const rows = limits.any
      ? await claimFlowRunsWithinLimits(db, claim)
      : await claimFlowRuns(db, claim);
    if (rows.length || Date.now() >= deadline || request.signal?.aborted) {
      wake.cancel();
      freed?.cancel();
      if (rows.length && looks > 0 && !(await heardWithin(db, agent.id, request.leaseMs))) {
        await handBack(db, agent.id, rows);
        return [];
      }
      for (const row of rows) publish("run-changed", row.id);
      return buildClaimedRuns(db, rows);
    }
    // Nothing taken. Runs ending elsewhere matter only while runs of ours are held back: an
    // agent with nothing waiting is not woken by every run's end (a run queued for it wakes it).
    const heldBack = freed !== null && (await hasHeldBackRuns(db, claim));
    if (!heldBack) freed?.cancel();
    // Wait for a trigger to hand a run over, or for a wake-up to look again.
    const hand = awaitHandoff(agent);
    const woken = heldBack ? Promise.race([wake.promise, freed!.promise]) : wake.promise;
    let received = await Promise.race([hand.handoff, woken.then(() => null)]);
    if (!received && hand.taken()) received = await hand.handoff;
    hand.cancel();
    wake.cancel();
    freed?.cancel();
    if (received && "rows" in received) {
      if (request.signal?.aborted || !(await heardWithin(db, agent.id, request.leaseMs))) {
        // The agent went away (or went silent) while its run was being made: back to the queue.
        await handBack(db, agent.id, received.rows);
        return [];
      }
      for (const row of received.rows) publish("run-changed", row.id);
      return buildClaimedRuns(db, received.rows);
    }
    if (request.signal?.aborted) return [];
  }
}

/**
 * The first run ending, going back to a queue (a flow-level retry leaves its slot) or limit
 * changing, anywhere: each may free a slot.
 */
function waitForFreedSlot(timeoutMs: number, signal: AbortSignal | undefined) {
  const options = { timeoutMs, signal };
  const waits = (["run-ended", "run-queued", "limits-changed"] as const).map((topic) =>
    waitFor(topic, () => true, options),
  );
  return {
    promise: Promise.race(waits.map((w) => w.promise)),
    cancel: () => waits.forEach((w) => w.cancel()),
  };
}

/**
 * Whether the agent's heartbeat was heard within the last lease. A claim that has been waiting
 * is no proof that its agent is still there: a network cut closes no connection, so the
 * long-poll of an agent cut off stays open on the server and would take the run a flow-level
 * retry just queued — taking it over from that same silent agent (CI caught the retry going
 * back to it, Pending for the whole re-attach grace). Asked only when a waiting claim got runs.
 */
async function heardWithin(db: Db, agentId: string, leaseMs: number): Promise<boolean> {
  // Against this process's clock, like the heartbeat that writes lastSeenAt (new Date()).
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { lastSeenAt: true } });
  return agent !== null && agent.lastSeenAt.getTime() > Date.now() - leaseMs;
}

async function handBack(db: Db, agentId: string, rows: ClaimedRow[]) {
  const released = await releaseRuns(db, { agentId, runIds: rows.map((r) => r.id) });
  for (const id of released) publish("run-changed", id);
  if (released.length) {
    const queue = await db.flowRun.findUnique({
      where: { id: released[0]! },
      select: { workQueue: { select: { name: true } } },
    });
    if (queue) publish("run-queued", queue.workQueue.name);
  }
}
