// Notifications (server/notifications/): deliveries are made when a run ends ("run-ended", on
// every replica) and by a sweep every few seconds (what an event missed, and runs past a rule's
// longerThanMinutes); a sender sends them, sleeping until the next one is due or a new one is
// queued ("notification-queued", also from other replicas) — no polling while nothing waits.
// Safe with several replicas: deliveries are unique per rule, run and event, and claimed with
// SKIP LOCKED under a lease.
import type { DatabaseHandle } from "../db/client.ts";
import { publish, subscribe, waitFor } from "../events/bus.ts";
import { log } from "../log.ts";
import { runEndWatchers } from "../runs/run-end-watchers.ts";
import { nextDueAt } from "../notifications/claim-deliveries.ts";
import { deliverDue } from "../notifications/deliver-due.ts";
import {
  enqueueForRun,
  enqueueForRuns,
  sweepDeliveries,
} from "../notifications/enqueue-deliveries.ts";

// Long-running runs are noticed within this of passing their limit; so are ended runs an event
// missed. A sweep with no active rule is one count.
const SWEEP_MS = 5000;
// The sender wakes at least this often even with nothing due: a lost wake-up (a NOTIFY dropped
// between replicas) costs at most this much latency.
const MAX_IDLE_MS = 60_000;
const ERROR_PAUSE_MS = 1000;
// Ends passed over between two sweeps (5 s): ~70 runs/s ends 350; the bound only matters when
// sweeps keep failing, and then a run past it is left to the sweep's own window.
const MAX_PASSED_OVER = 50_000;

export function startNotifier(handle: DatabaseHandle, options: { baseUrl: () => string }) {
  const db = handle.prisma;
  const abort = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const queued = (count: number, what: string) => {
    if (count > 0) publish("notification-queued", what);
  };

  // Runs whose end was passed over while no rule was known to exist (run-end-watchers.ts): the
  // next sweep looks at them again against the rules table, in one statement. The sweep alone
  // would miss those scheduled more than two days ago, had a rule been saved just then and its
  // announcement reached this replica late.
  let passedOver = new Set<string>();
  const unsubscribe = subscribe("run-ended", (runId) => {
    track(
      runEndWatchers(db)
        .then(({ rules }) => {
          if (rules) return enqueueForRun(db, runId, { baseUrl: options.baseUrl() });
          if (passedOver.size < MAX_PASSED_OVER) passedOver.add(runId);
          return 0;
        })
        .then((count) => queued(count, runId))
        .catch((error: unknown) => log.error(`notifications for run ${runId} failed`, error)),
    );
  });
  async function sweep() {
    const baseUrl = options.baseUrl();
    const recheck = [...passedOver];
    passedOver = new Set();
    try {
      queued(await enqueueForRuns(db, recheck, { baseUrl }), "recheck");
    } catch (error) {
      // Looked at again by the next sweep.
      for (const id of recheck) if (passedOver.size < MAX_PASSED_OVER) passedOver.add(id);
      throw error;
    }
    queued(await sweepDeliveries(db, { baseUrl }), "sweep");
  }

  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  function scheduleSweep() {
    if (abort.signal.aborted) return;
    sweepTimer = setTimeout(() => {
      sweeping = sweep()
        .catch((error: unknown) =>
          log.error("the notification sweep failed; it will try again", error),
        )
        .finally(scheduleSweep);
    }, SWEEP_MS);
  }
  scheduleSweep();

  async function sendLoop() {
    while (!abort.signal.aborted) {
      // Listen before looking, so a delivery queued in between still wakes the sender.
      const wake = waitFor("notification-queued", () => true, {
        timeoutMs: MAX_IDLE_MS,
        signal: abort.signal,
      });
      try {
        if ((await deliverDue(db)) > 0) continue;
        const next = await nextDueAt(db);
        const delay = next ? next.getTime() - Date.now() : MAX_IDLE_MS;
        if (delay <= 0) continue;
        const timer = setTimeout(wake.cancel, delay);
        await wake.promise;
        clearTimeout(timer);
      } catch (error) {
        if (abort.signal.aborted) break;
        log.error("the notification sender failed; it will try again", error);
        const timer = setTimeout(wake.cancel, ERROR_PAUSE_MS);
        await wake.promise;
        clearTimeout(timer);
      } finally {
        wake.cancel();
      }
    }
  }
  const sending = sendLoop();

  return {
    async stop() {
      abort.abort();
      unsubscribe();
      clearTimeout(sweepTimer);
      await Promise.all([sending, sweeping, ...inFlight]);
    },
  };
}
