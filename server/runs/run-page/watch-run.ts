// A run's changes as they happen, for the live run page: woken by the "run-changed" event that
// every writer of a run publishes after it commits (reports, claims, cancels, the reaper,
// replays) — in this process, or from another replica through PostgreSQL NOTIFY — then reading
// what changed after the cursor. Bursts are coalesced: at most one read per MIN_INTERVAL_MS.
import type { Db } from "../../db/client.ts";
import { waitFor } from "../../events/bus.ts";
import type { RunViewOptions } from "../run-header.ts";
import { getRunChanges, type RunChanges } from "./get-run-page.ts";

// A state change reaches the page within a report's round trip plus this (the target is 300 ms),
// and a page watching 2,000 busy tasks redraws at most ten times a second.
const MIN_INTERVAL_MS = 100;
// Late runs become Late by the clock, not by an event, and a NOTIFY can be lost while a replica
// reconnects: look again at least this often.
const RECHECK_MS = 10_000;
const ENDED_RECHECK_MS = 10 * 60_000;

export async function* watchRun(
  db: Db,
  id: string,
  cursor: string,
  options: RunViewOptions & { signal?: AbortSignal },
): AsyncGenerator<RunChanges> {
  let lastHeader = "";
  let lastRead = 0;
  let ended = false;
  while (!options.signal?.aborted) {
    // Subscribe before reading: a change committed during the read still wakes the next pass.
    // An ended run changes only by events (a replay of it); a waiting one also by the clock.
    const wake = waitFor("run-changed", (payload) => payload === id, {
      timeoutMs: ended ? ENDED_RECHECK_MS : RECHECK_MS,
      signal: options.signal,
    });
    const wait = lastRead + MIN_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastRead = Date.now();
    const changes = await getRunChanges(db, id, cursor, options);
    const header = JSON.stringify(changes.header);
    ended = changes.header.endedAt !== null;
    if (changes.tasks.length || changes.cursor !== cursor || header !== lastHeader) {
      cursor = changes.cursor;
      lastHeader = header;
      yield changes;
    }
    await wake.promise;
  }
}
