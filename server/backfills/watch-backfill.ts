// A backfill's page, live: woken when one of its runs changes ("run-changed", from any replica),
// then reading the backfill again and sending it when anything differs. The runs it creates next
// appear with the change that made room for them, or at the next recheck.
import type { BackfillDetail } from "../../contract/backfills.ts";
import type { Db } from "../db/client.ts";
import { waitFor } from "../events/bus.ts";
import { getBackfill } from "./get-backfill.ts";

// Bursts (three runs ending together) make one read; the page redraws at most 5 times a second.
const MIN_INTERVAL_MS = 200;
// A top-up lands just after the event that caused it: look again soon after anyway.
const RECHECK_MS = 2_000;

export async function* watchBackfill(
  db: Db,
  id: string,
  signal?: AbortSignal,
): AsyncGenerator<BackfillDetail> {
  let last = "";
  let runIds = new Set<string>();
  let lastRead = 0;
  while (!signal?.aborted) {
    // Subscribe before reading: a change committed during the read still wakes the next pass.
    const wake = waitFor("run-changed", (runId) => runIds.has(runId), {
      timeoutMs: RECHECK_MS,
      signal,
    });
    const wait = lastRead + MIN_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastRead = Date.now();
    const backfill = await getBackfill(db, id);
    runIds = new Set(backfill.runs.map((r) => r.id));
    const text = JSON.stringify(backfill);
    if (text !== last) {
      last = text;
      yield backfill;
    }
    if (backfill.state !== "Running" && backfill.counts.active === 0) {
      // Nothing changes any more but by a run replayed elsewhere: stop listening.
      wake.cancel();
      return;
    }
    await wake.promise;
  }
}
