// What watches runs' ends: active completion triggers (server/triggers/), active notification
// rules (server/notifications/) and running backfills (server/backfills/). Each is looked up on
// every run's end — three statements per run, ~20 % of a 10-task run's statements under
// bench:load — and most installations have none of one kind or another, so whether any exists
// is remembered (events/remembered.ts) and a run's end looks up only what exists. Saving a
// trigger, a rule or a backfill announces it (runEndWatchersChanged). A remembered "none" that
// is stale (the announcement lost or late: a NOTIFY dropped, another replica's events out of
// order, a replica of an older version) costs latency, not a firing: what the event path
// skipped is found by the trigger sweep (fire-completion.ts, every run ended in the last hour),
// the notifier's next sweep (it looks again at the runs it passed over: services/notifier.ts)
// and the scheduler's backfill step (every running backfill).
import type { Db } from "../db/client.ts";
import { remembered } from "../events/remembered.ts";

export type RunEndWatchers = { triggers: boolean; rules: boolean; backfills: boolean };

const WATCHERS = remembered("run-end-watchers", {
  topic: "watchers-changed",
  ttlMs: 5_000,
  async load(db): Promise<RunEndWatchers> {
    const [row] = await db.$queryRaw<RunEndWatchers[]>`
      SELECT EXISTS (SELECT 1 FROM "Trigger" WHERE kind = 'runCompletion' AND active) AS triggers,
        EXISTS (SELECT 1 FROM "NotificationRule" WHERE active) AS rules,
        EXISTS (SELECT 1 FROM "Backfill" WHERE state = 'Running') AS backfills`;
    return row ?? { triggers: true, rules: true, backfills: true };
  },
});

export function runEndWatchers(db: Db): Promise<RunEndWatchers> {
  return WATCHERS.get(db);
}

/** Call after a trigger, notification rule or backfill was saved (committed). */
export function runEndWatchersChanged(): void {
  WATCHERS.changed();
}
