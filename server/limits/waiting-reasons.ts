// The facts of waitingReason (waiting-reason.ts) for many runs in one statement. Only due
// Scheduled runs wait for a slot; other runs get no entry. While no limit and no paused
// deployment exists anywhere (limits-in-force.ts), there is nothing to read.
import type { Db } from "../db/client.ts";
import { RUN_IS_DUE } from "../runs/state-machine/index.ts";
import { ACTIVE, textArray } from "../runs/state-machine/sql.ts";
import { limitsInForce } from "./limits-in-force.ts";
import { waitingReason, type SlotUse } from "./waiting-reason.ts";

type Row = {
  id: string;
  queue: string;
  queueLimit: number | null;
  queueInUse: number;
  deploymentPaused: boolean | null;
  deployment: string | null;
  deploymentLimit: number | null;
  deploymentInUse: number;
  tags: SlotUse[] | null;
};

/** Run id → why it waits, for the due runs among `ids` that a limit or a pause holds back. */
export async function waitingReasons(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  if (ids.length === 0 || !(await limitsInForce(db)).any) return reasons;
  const rows = await db.$queryRaw<Row[]>`
    WITH active AS MATERIALIZED (
      SELECT "workQueueId", "deploymentId", tags FROM "FlowRun" WHERE state IN ${ACTIVE}
    )
    SELECT r.id::text AS id, q.name AS queue,
      q."concurrencyLimit" AS "queueLimit",
      (SELECT count(*) FROM active a WHERE a."workQueueId" = r."workQueueId")::int AS "queueInUse",
      d.paused AS "deploymentPaused", d.name AS deployment, d."concurrencyLimit" AS "deploymentLimit",
      (SELECT count(*) FROM active a WHERE a."deploymentId" = r."deploymentId")::int AS "deploymentInUse",
      (SELECT json_agg(json_build_object('name', l.tag, 'limit', l."limit", 'inUse',
          (SELECT count(*) FROM active a WHERE l.tag = ANY(a.tags))))
        FROM "ConcurrencyLimit" l WHERE l.tag = ANY(r.tags)) AS tags
    FROM "FlowRun" r JOIN "WorkQueue" q ON q.id = r."workQueueId"
    LEFT JOIN "Deployment" d ON d.id = r."deploymentId"
    WHERE r.id = ANY(${textArray(ids)}::uuid[]) AND ${RUN_IS_DUE} AND NOT q.paused`;
  for (const row of rows) {
    const reason = waitingReason({
      deploymentPaused: row.deploymentPaused ?? false,
      queue:
        row.queueLimit === null
          ? null
          : { name: row.queue, limit: row.queueLimit, inUse: row.queueInUse },
      deployment:
        row.deploymentLimit === null || row.deployment === null
          ? null
          : { name: row.deployment, limit: row.deploymentLimit, inUse: row.deploymentInUse },
      tags: row.tags ?? [],
    });
    if (reason) reasons.set(row.id, reason);
  }
  return reasons;
}

export async function waitingReasonOf(db: Db, id: string): Promise<string | null> {
  return (await waitingReasons(db, [id])).get(id) ?? null;
}
