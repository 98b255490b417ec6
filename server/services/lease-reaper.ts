// The lease reaper: every half second, runs whose agent stopped renewing its lease are shown
// unreachable, then become Crashed after the re-attach grace (at once, and queued again, when
// their deployment has retries left); runs waiting for an agent to confirm a cancel become
// Cancelled. Safe with several replicas (SKIP LOCKED).
import type { DatabaseHandle } from "../db/client.ts";
import { publish } from "../events/bus.ts";
import { log } from "../log.ts";
import { reapExpiredLeases, retryFlowRun } from "../runs/state-machine/index.ts";

// With a 15 s lease this bounds crash detection at lease + 0.5 s.
const INTERVAL_MS = 500;

export function startLeaseReaper(
  handle: DatabaseHandle,
  options: { leaseMs: number; reattachGraceMs: number },
) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function pass() {
    const db = handle.prisma;
    // The crash and the retry it allows are one transaction (as for a run an agent reports
    // Failed), so no reader ever sees a run Crashed that is about to be queued again.
    const {
      unreachable,
      crashed,
      cancelled,
      retried: requeued,
    } = await db.$transaction(async (tx) => {
      const reaped = await reapExpiredLeases(tx, options);
      const retried = new Set<string>();
      for (const id of reaped.crashed) if (await retryFlowRun(tx, id)) retried.add(id);
      return { ...reaped, retried };
    });
    if (cancelled.length)
      log.info(`cancelled ${cancelled.length} run(s) whose agent did not confirm the cancel`);
    for (const id of unreachable) {
      log.warn(
        `flow run ${id}: its agent stopped answering; it may re-attach within ${options.reattachGraceMs / 1000} s`,
      );
    }
    for (const id of [...unreachable, ...crashed, ...cancelled]) publish("run-changed", id);
    for (const id of crashed) {
      const retried = requeued.has(id);
      log.warn(
        `flow run ${id} crashed: its agent stopped answering${retried ? "; queued again (deployment retries)" : ""}`,
      );
      if (retried) {
        const run = await db.flowRun.findUnique({
          where: { id },
          select: { workQueue: { select: { name: true } } },
        });
        if (run) publish("run-queued", run.workQueue.name);
      } else publish("run-ended", id);
    }
    for (const id of cancelled) publish("run-ended", id);
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => log.error("the lease reaper failed; it will try again", error))
        .finally(() => schedule(INTERVAL_MS));
    }, delay);
  }

  // After a restart, agents need a moment to reach the server again and renew the leases that
  // ran out while it was down: wait one lease before the first pass.
  schedule(options.leaseMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
