// Every concurrency limit with its slots in use now: GET /api/v1/concurrency-limits, `pipebook
// limit ls` and the Limits section of the work queues page ("db 2/2 in use").
import type { ConcurrencyLimits } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { RUN_IS_DUE } from "../runs/state-machine/index.ts";
import { ACTIVE } from "../runs/state-machine/sql.ts";

type TagRow = {
  tag: string;
  limit: number;
  inUse: number;
  waiting: number;
  createdAt: Date;
  updatedAt: Date;
};
type UseRow = { id: string; name: string; limit: number; inUse: number };

export async function listConcurrencyLimits(db: Db): Promise<ConcurrencyLimits> {
  const [tags, queues, deployments] = await db.$transaction([
    db.$queryRaw<TagRow[]>`
      SELECT l.tag, l."limit", l."createdAt", l."updatedAt",
        (SELECT count(*) FROM "FlowRun" r WHERE r.state IN ${ACTIVE} AND l.tag = ANY(r.tags))::int AS "inUse",
        (SELECT count(*) FROM "FlowRun" r WHERE ${RUN_IS_DUE} AND l.tag = ANY(r.tags))::int AS waiting
      FROM "ConcurrencyLimit" l ORDER BY l.tag`,
    db.$queryRaw<UseRow[]>`
      SELECT q.id::text AS id, q.name, q."concurrencyLimit" AS "limit",
        (SELECT count(*) FROM "FlowRun" r WHERE r.state IN ${ACTIVE} AND r."workQueueId" = q.id)::int AS "inUse"
      FROM "WorkQueue" q WHERE q."concurrencyLimit" IS NOT NULL ORDER BY q.name`,
    db.$queryRaw<UseRow[]>`
      SELECT d.id::text AS id, f.name || '/' || d.name AS name, d."concurrencyLimit" AS "limit",
        (SELECT count(*) FROM "FlowRun" r WHERE r.state IN ${ACTIVE} AND r."deploymentId" = d.id)::int AS "inUse"
      FROM "Deployment" d JOIN "Flow" f ON f.id = d."flowId"
      WHERE d."concurrencyLimit" IS NOT NULL ORDER BY 2`,
  ]);
  return {
    tags: tags.map((t) => ({
      ...t,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    })),
    workQueues: queues.map(({ name, limit, inUse }) => ({ name, limit, inUse })),
    deployments,
  };
}
