// The backfill controller's trigger: when a run of a backfill ends — here or on another replica
// (the bus carries "run-ended" by NOTIFY) — that backfill's next run is created within
// milliseconds. Top-ups run one at a time per process, and several events for one backfill while
// one is under way make one more top-up, not many. The scheduler's step tops up every running
// backfill as a fallback, should an event be lost.
import type { DatabaseHandle } from "../db/client.ts";
import { backfillOfRun, topUpBackfill } from "../backfills/top-up-backfill.ts";
import { subscribe } from "../events/bus.ts";
import { log } from "../log.ts";
import { runEndWatchers } from "../runs/run-end-watchers.ts";

export function startBackfillController(handle: DatabaseHandle) {
  const pending = new Set<string>();
  let draining: Promise<void> | null = null;
  let stopped = false;

  async function drain() {
    while (pending.size && !stopped) {
      const id = pending.values().next().value!;
      pending.delete(id);
      try {
        await topUpBackfill(handle.prisma, id);
      } catch (error) {
        log.error(
          `backfill ${id}: could not create its next runs; the scheduler will retry`,
          error,
        );
      }
    }
    draining = null;
  }

  const unsubscribe = subscribe("run-ended", (runId) => {
    if (stopped) return;
    runEndWatchers(handle.prisma)
      .then(({ backfills }) => (backfills ? backfillOfRun(handle.prisma, runId) : null))
      .then((id) => {
        if (!id || stopped) return;
        pending.add(id);
        draining ??= drain();
      })
      .catch((error: unknown) => log.error(`backfill of run ${runId}: lookup failed`, error));
  });

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await draining;
    },
  };
}
