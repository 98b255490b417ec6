// 100,000 flow runs written straight into the database (generate_series), spread as a busy
// installation would have them: four weeks of runs over a dozen deployments (some far busier
// than others), mostly Completed, some Failed, Crashed and Cancelled, a few running now, an
// outage's worth of Late runs, runs waiting on a paused queue, schedules' runs a little ahead,
// notebook cell runs and replays. Used by bench/runs-list.mjs; the deployments must exist.

/** The flows and deployments the runs belong to: [flow, deployment, queue, tags]. */
export const SEED_DEPLOYMENTS = [
  ["orders-etl", "hourly", "default", ["etl", "critical"]],
  ["orders-etl", "backfill", "default", ["etl"]],
  ["stars-report", "daily", "default", ["reports"]],
  ["clickstream", "hourly", "default", ["etl", "web"]],
  ["ml-train", "nightly", "gpu", ["gpu", "ml"]],
  ["ml-train", "adhoc", "gpu", ["gpu", "ml", "adhoc"]],
  ["invoices", "daily", "default", ["finance", "critical"]],
  ["invoices", "month-end", "default", ["finance"]],
  ["search-index", "every-10-min", "default", ["web"]],
  ["crm-sync", "hourly", "default", ["crm"]],
  ["audit-export", "weekly", "default", ["compliance"]],
  ["legacy-import", "manual", "frozen", ["legacy"]],
];

/**
 * SQL that inserts `count` runs over the deployments of SEED_DEPLOYMENTS (their work queue named
 * `frozen` is paused first). Runs are spaced evenly over 28 days back from now; the newest 0.2 %
 * lie up to ~1.3 h ahead (created by schedules).
 */
export function seedRunsSql(count) {
  const order = SEED_DEPLOYMENTS.map(([flow, name], k) => `('${flow}', '${name}', ${k})`).join(",");
  const step = (28 * 86_400) / count;
  const future = Math.round(count * 0.002);
  return `
UPDATE "WorkQueue" SET paused = true WHERE name = 'frozen';
WITH s (flow, name, k) AS (VALUES ${order}),
d AS (
  SELECT s.k, d.id, d."flowId", d."flowVersionId", d."workQueueId", d.tags, q.paused
  FROM s JOIN "Flow" f ON f.name = s.flow JOIN "Deployment" d ON d."flowId" = f.id AND d.name = s.name
  JOIN "WorkQueue" q ON q.id = d."workQueueId"
), n AS (SELECT count(*)::int AS c FROM d),
g AS (
  SELECT i,
    now() - ((i - ${future})::float8 * ${step}) * interval '1 second' AS sched,
    -- Busy deployments first: the k-th of the list gets a share that falls with k.
    floor(power(random(), 2.2) * (SELECT c FROM n))::int AS k,
    random() AS roll, random() AS roll2, exp(random() * 7) AS seconds
  FROM generate_series(1, ${count}) i
), r AS (
  SELECT g.*, d.id AS "deploymentId", d."flowId", d."flowVersionId", d."workQueueId", d.tags,
    CASE
      WHEN g.sched > now() THEN 'Scheduled'
      WHEN d.paused AND g.sched > now() - interval '1 day' THEN 'Scheduled'
      WHEN g.sched > now() - interval '5 minutes' THEN
        CASE WHEN g.roll < 0.4 THEN 'Running' WHEN g.roll < 0.5 THEN 'Pending' ELSE 'Completed' END
      WHEN g.roll < 0.003 THEN 'Scheduled'
      WHEN g.roll < 0.083 THEN 'Failed'
      WHEN g.roll < 0.103 THEN 'Crashed'
      WHEN g.roll < 0.133 THEN 'Cancelled'
      ELSE 'Completed'
    END::"FlowRunState" AS state
  FROM g JOIN d ON d.k = g.k
)
INSERT INTO "FlowRun" ("flowId", "flowVersionId", "deploymentId", "cellTask", "workQueueId", tags,
  state, "scheduledAt", "createdAt", "stateChangedAt", "startedAt", "endedAt", "replayKind")
SELECT "flowId", "flowVersionId",
  CASE WHEN roll2 < 0.01 THEN NULL ELSE "deploymentId" END,
  CASE WHEN roll2 < 0.01 THEN 'extract' END,
  "workQueueId", tags, state, sched, least(sched, now()) - interval '1 second', sched,
  CASE WHEN state NOT IN ('Scheduled', 'Pending') THEN least(sched + roll2 * interval '2 seconds', now()) END,
  CASE WHEN state IN ('Completed', 'Failed', 'Crashed', 'Cancelled')
    THEN least(sched + roll2 * interval '2 seconds' + seconds * interval '1 second', now()) END,
  CASE WHEN roll2 > 0.995 THEN 'fromFailure'::"ReplayKind" WHEN roll2 > 0.99 THEN 'retry'::"ReplayKind" END
FROM r;`;
}
