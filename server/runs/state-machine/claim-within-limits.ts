// The claim while concurrency limits exist: per work queue (WorkQueue.concurrencyLimit), per
// deployment (Deployment.concurrencyLimit) and per tag (ConcurrencyLimit, across every deployment
// and queue). A slot is in use by a run in an active state (Pending, Running, Cancelling). Paused
// deployments count as full.
//
// Why a transaction and a lock, not one statement: in READ COMMITTED a statement sees the rows
// committed when it started. Two claims running at once would both count the same free slot and
// both take a run (FOR UPDATE SKIP LOCKED only keeps them off the same run). So claims under
// limits queue on one advisory lock, held to the commit, and the claim statement runs after it is
// granted — with a snapshot that sees every run the previous holder claimed. The lock is taken
// only on this path, and holding it is one statement long (~1–3 ms here).
import { isSingleWriter, type Db, type Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import {
  CLAIM,
  CLAIM_ORDER,
  servedBy,
  takeCandidates,
  waitingRunsInClaimOrder,
  type ClaimedRow,
  type ClaimRequest,
} from "./leases.ts";
import { ACTIVE } from "./sql.ts";

/** pg_advisory_xact_lock's key for limited claims (any constant no other lock of ours uses). */
const CLAIM_LIMITS_LOCK = 7_145_011;

// Ranks are computed over at most this many due runs with a free slot in each of their limits:
// it bounds the statement's cost with a long backlog; the next claim takes what is left.
const SLATE = 500;

/**
 * The slots left per limit, from the active runs: a run of a key at or over its limit is not a
 * candidate at all (so a long backlog of runs waiting on a full tag never hides a free run).
 */
const FREE_SLOTS = Prisma.sql`
  active AS MATERIALIZED (
    SELECT "workQueueId", "deploymentId", tags FROM "FlowRun" WHERE state IN ${ACTIVE}
  ), queue_free AS MATERIALIZED (
    SELECT q.id, q."concurrencyLimit" - (
      SELECT count(*) FROM active a WHERE a."workQueueId" = q.id)::int AS free
    FROM "WorkQueue" q WHERE q."concurrencyLimit" IS NOT NULL
  ), deployment_free AS MATERIALIZED (
    SELECT d.id, CASE WHEN d.paused THEN 0 ELSE d."concurrencyLimit" - (
      SELECT count(*) FROM active a WHERE a."deploymentId" = d.id)::int END AS free
    FROM "Deployment" d WHERE d."concurrencyLimit" IS NOT NULL OR d.paused
  ), tag_free AS MATERIALIZED (
    SELECT l.tag, l."limit" - (SELECT count(*) FROM active a WHERE l.tag = ANY(a.tags))::int AS free
    FROM "ConcurrencyLimit" l
  )`;

const HAS_FREE_SLOTS = Prisma.sql`
  NOT EXISTS (SELECT 1 FROM queue_free x WHERE x.id = r."workQueueId" AND x.free <= 0)
  AND NOT EXISTS (SELECT 1 FROM deployment_free x WHERE x.id = r."deploymentId" AND x.free <= 0)
  AND NOT EXISTS (SELECT 1 FROM tag_free x WHERE x.tag = ANY(r.tags) AND x.free <= 0)`;

/**
 * Claims like claimFlowRuns, never taking a run beyond a limit: of the due runs with a free slot
 * in each of their limits, in claim order, a run is taken when it ranks within the free slots of
 * every one of its limits. A run that misses one limit still uses up its rank in the others, so a
 * claim may take fewer runs than there are free slots (the next claim fills them); never more.
 */
export async function claimFlowRunsWithinLimits(db: Db, c: ClaimRequest): Promise<ClaimedRow[]> {
  // The embedded database runs one statement at a time, each seeing every commit before it: two
  // claims can never count the same slot, and the statement alone is enough (it spares the
  // transaction's round trips, ~3 ms a claim on PGlite here).
  if (isSingleWriter(db)) return claimStatement(db, c);
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CLAIM_LIMITS_LOCK}::bigint)`;
    return claimStatement(tx, c);
  });
}

function claimStatement(tx: Tx, c: ClaimRequest): Promise<ClaimedRow[]> {
  return tx.$queryRaw<ClaimedRow[]>`
      WITH ${FREE_SLOTS}, slate AS (
        SELECT r.id, r."workQueueId", r."deploymentId", r.tags,
          row_number() OVER (ORDER BY ${CLAIM_ORDER}) AS ord
        ${waitingRunsInClaimOrder(Prisma.sql`${servedBy(c)} AND ${HAS_FREE_SLOTS}`, "due")}
        LIMIT ${SLATE}::int
      ), ranked AS (
        SELECT s.id, s.ord, s."workQueueId", s."deploymentId",
          row_number() OVER (PARTITION BY s."workQueueId" ORDER BY s.ord) AS queue_rank,
          row_number() OVER (PARTITION BY s."deploymentId" ORDER BY s.ord) AS deployment_rank
        FROM slate s
      ), tag_ranked AS (
        SELECT s.id, t.tag, row_number() OVER (PARTITION BY t.tag ORDER BY s.ord) AS tag_rank
        FROM slate s CROSS JOIN LATERAL unnest(s.tags) AS t(tag)
        WHERE t.tag IN (SELECT tag FROM tag_free)
      ), picked AS (
        SELECT k.id, k.ord FROM ranked k
        LEFT JOIN queue_free qf ON qf.id = k."workQueueId"
        LEFT JOIN deployment_free df ON df.id = k."deploymentId"
        WHERE (qf.free IS NULL OR k.queue_rank <= qf.free)
          AND (df.free IS NULL OR k.deployment_rank <= df.free)
          AND NOT EXISTS (
            SELECT 1 FROM tag_ranked tr JOIN tag_free tf ON tf.tag = tr.tag
            WHERE tr.id = k.id AND tr.tag_rank > tf.free)
        ORDER BY k.ord
        LIMIT ${c.capacity}::int
      ), candidates AS (
        SELECT f.id FROM "FlowRun" f JOIN picked p ON p.id = f.id
        WHERE f.state IN ${CLAIM.fromSql}
        FOR UPDATE OF f SKIP LOCKED
      ) ${takeCandidates(c)}`;
}

/**
 * Whether due runs of the agent's queues and tags wait (a limit or a paused deployment holds
 * them back, since the claim just took none): only then need its claim wake when a slot frees.
 */
export async function hasHeldBackRuns(db: Db, c: ClaimRequest): Promise<boolean> {
  const [row] = await db.$queryRaw<{ held: boolean }[]>`
    SELECT EXISTS (SELECT 1 ${waitingRunsInClaimOrder(servedBy(c), "due")} LIMIT 1) AS held`;
  return Boolean(row?.held);
}
