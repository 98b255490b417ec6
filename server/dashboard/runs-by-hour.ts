// The home dashboard's chart: the runs of the last 24 hours by shown state, per hour of their
// scheduled time (the hours of the clock, the current one included).
import {
  displayStateOf,
  type FlowRunDisplayState,
  type FlowRunState,
} from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { currentFacts, lateSql, pausedSql } from "../runs/display-state-sql.ts";

const HOUR_MS = 3_600_000;

export type HourOfRuns = {
  /** The hour's start (ISO); the hour runs to the next one's. */
  start: string;
  end: string;
  counts: Partial<Record<FlowRunDisplayState, number>>;
};

export async function runsByHour(
  db: Db,
  options: { lateAfterMs: number; hours?: number; now?: Date },
): Promise<HourOfRuns[]> {
  const now = options.now ?? new Date();
  const hours = options.hours ?? 24;
  const last = Math.floor(now.getTime() / HOUR_MS);
  const first = last - hours + 1;
  const facts = await currentFacts(db, now, options.lateAfterMs);
  const rows = await db.$queryRaw<
    { hour: number; state: FlowRunState; paused: boolean; late: boolean; n: number }[]
  >`
    SELECT floor(extract(epoch FROM r."scheduledAt") / 3600)::int AS hour,
      r.state::text AS state, ${pausedSql(facts)} AS paused, ${lateSql(facts)} AS late,
      count(*)::int AS n
    FROM "FlowRun" r
    WHERE r."scheduledAt" >= ${new Date(first * HOUR_MS)}::timestamptz
      AND r."scheduledAt" <= ${now}::timestamptz
    GROUP BY 1, 2, 3, 4`;
  const buckets: HourOfRuns[] = Array.from({ length: hours }, (_, i) => ({
    start: new Date((first + i) * HOUR_MS).toISOString(),
    end: new Date((first + i + 1) * HOUR_MS).toISOString(),
    counts: {},
  }));
  for (const row of rows) {
    const bucket = buckets[row.hour - first];
    if (!bucket) continue;
    const state = displayStateOf({ state: row.state, queuePaused: row.paused, late: row.late });
    bucket.counts[state] = (bucket.counts[state] ?? 0) + row.n;
  }
  return buckets;
}
