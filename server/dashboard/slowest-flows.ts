// The home dashboard's slowest flows: over the runs of the last days that completed, each flow's
// median and longest duration, slowest median first.
import type { Db } from "../db/client.ts";

export type FlowDurations = { flow: string; runs: number; p50Ms: number; maxMs: number };

export async function slowestFlows(
  db: Db,
  options: { days?: number; limit?: number; now?: Date } = {},
): Promise<FlowDurations[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - (options.days ?? 7) * 86_400_000);
  // Completed runs only: a failure's duration says when it broke, not how long the flow takes.
  const rows = await db.$queryRaw<{ flow: string; runs: number; p50: number; max: number }[]>`
    SELECT f.name AS flow, count(*)::int AS runs,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY d.ms)::float8 AS p50, max(d.ms)::float8 AS max
    FROM "FlowRun" r
    JOIN "Flow" f ON f.id = r."flowId"
    CROSS JOIN LATERAL (
      SELECT extract(epoch FROM r."endedAt" - r."startedAt") * 1000 AS ms
    ) d
    -- A notebook cell run runs part of its flow: its duration says nothing of the flow's.
    WHERE r.state = 'Completed' AND r."cellTask" IS NULL AND r."scheduledAt" >= ${since}::timestamptz
      AND r."scheduledAt" <= ${now}::timestamptz AND r."startedAt" IS NOT NULL
    GROUP BY f.name
    ORDER BY p50 DESC, f.name
    LIMIT ${options.limit ?? 5}::int`;
  return rows.map((r) => ({
    flow: r.flow,
    runs: r.runs,
    p50Ms: Math.round(r.p50),
    maxMs: Math.round(r.max),
  }));
}
