// Transitions that agents' leases drive: the claim (Scheduled → Pending, with a new lease), the
// renewal, the hand-back on shutdown, the fence every report passes, the reaper (an expired
// lease: Crashed, or Cancelled when a cancel was pending) and the flow-level retry.
// Each is one statement; comments on timing refer to the defaults (lease 15 s, heartbeat 5 s).
import type { RunnerKind } from "../../../contract/agent-protocol.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { fixedFlowRunTransition, soleFromSql } from "./fixed-transitions.ts";
import { RETRIES_LEFT } from "./flow-retry.ts";
import { ACTIVE, textArray, type Json } from "./sql.ts";

/** An agent takes a waiting run under a new lease. */
export const CLAIM = fixedFlowRunTransition({ name: "claim", from: ["Scheduled"], to: "Pending" });
/** An agent shutting down hands back a run it claimed but did not start. */
export const RELEASE = fixedFlowRunTransition({
  name: "release",
  from: ["Pending"],
  to: "Scheduled",
});
const CLAIMED_FROM = soleFromSql(CLAIM);
const RELEASED_FROM = soleFromSql(RELEASE);

/** The history message of a claim. */
export const CLAIMED_MESSAGE = "Claimed by an agent";

/** What a cell run without a deployment is called where a deployment's name would be shown. */
export const CELL_RUN_LABEL = "(notebook cell)";

export type ClaimedRow = {
  id: string;
  leaseId: string;
  leaseExpiresAt: Date;
  attempt: number;
  flowVersionId: string;
  deploymentId: string | null;
  deploymentName: string;
  cellTask: string | null;
  /** Set for a replay, whose reused results the agent must receive. */
  parentRunId: string | null;
  runner: RunnerKind;
  image: string | null;
  daskScheduler: string | null;
  parameters: Json;
  /** When the run was to start: now for a trigger, its slot for a scheduled run. */
  scheduledAt: Date;
};

/** A flow run `r` an agent may take now: waiting, and its start time has come. */
export const RUN_IS_DUE = Prisma.sql`(r.state IN ${CLAIM.fromSql} AND r."scheduledAt" <= now())`;

/** The order agents claim waiting runs in (see waitingRunsInClaimOrder). */
export const CLAIM_ORDER = Prisma.sql`q.priority, r."scheduledAt", r."createdAt", r.id`;

/** An active run of `deploymentId`'s schedules other than `runId` exists. */
export const scheduledRunActive = (deploymentId: Prisma.Sql, runId: Prisma.Sql) => Prisma.sql`
  EXISTS (SELECT 1 FROM "FlowRun" o
    WHERE o."deploymentId" = ${deploymentId} AND o."scheduleId" IS NOT NULL
      AND o.state IN ${ACTIVE} AND o.id <> ${runId})`;

/**
 * A waiting run `r` that its deployment's overlap policy holds back: a scheduled run while an
 * earlier scheduled run of that deployment is still active (server/schedules/resolve-overlaps.ts
 * settles it by the policy) or still waits. The second part makes the rule race-free without a
 * lock: of two scheduled runs of one deployment (catch-up can make several due at once), the
 * later is held back both by a claim that sees the earlier still waiting and by one that sees it
 * taken — in one statement, and across agents claiming at the same moment.
 */
export const SCHEDULED_RUN_HELD_BACK = Prisma.sql`(r."scheduleId" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "Deployment" od WHERE od.id = r."deploymentId" AND od.overlap <> 'allow')
  AND (${scheduledRunActive(Prisma.sql`r."deploymentId"`, Prisma.sql`r.id`)}
    OR EXISTS (SELECT 1 FROM "FlowRun" e
      WHERE e."deploymentId" = r."deploymentId" AND e."scheduleId" IS NOT NULL
        AND e.state IN ${CLAIM.fromSql} AND (e."scheduledAt", e.id) < (r."scheduledAt", r.id))))`;

/**
 * The waiting runs (`r`, of "FlowRun", joined to its queue `q`) that `filter` keeps, in the order
 * agents claim them: the queue's priority (lower first), then the oldest start time, then the
 * oldest run, then the id, so that no two runs ever tie. `due` runs are the only ones a claim
 * takes; `upcoming` ones wait for their start time. The claim below and the work queue preview
 * (server/queues/preview-work-queue.ts) both read runs through this one fragment, so the preview
 * shows exactly the order agents take.
 */
export function waitingRunsInClaimOrder(filter: Prisma.Sql, which: "due" | "upcoming"): Prisma.Sql {
  const when =
    which === "due" ? RUN_IS_DUE : Prisma.sql`r.state IN ${CLAIM.fromSql} AND NOT ${RUN_IS_DUE}`;
  return Prisma.sql`
    FROM "FlowRun" r JOIN "WorkQueue" q ON q.id = r."workQueueId"
    WHERE ${when} AND ${filter}
    ORDER BY ${CLAIM_ORDER}`;
}

export type ClaimRequest = {
  agentId: string;
  queues: readonly string[];
  tags: readonly string[];
  capacity: number;
  leaseMs: number;
};

/**
 * Runs `r` (of queue `q`) the claiming agent may take: of its queues, unpaused, all tags carried,
 * and not held back by their deployment's overlap policy.
 */
export function servedBy(c: Pick<ClaimRequest, "queues" | "tags">): Prisma.Sql {
  return Prisma.sql`q.name = ANY(${textArray(c.queues)}::text[])
    AND NOT q.paused
    AND r.tags <@ ${textArray(c.tags)}::text[]
    AND NOT ${SCHEDULED_RUN_HELD_BACK}`;
}

/**
 * The end of a claim statement, after its `candidates` CTE (the ids of the runs to take, locked):
 * Scheduled → Pending under a new lease, the history row, and what the agent needs of each run.
 * Its time is the statement's, not the transaction's (now()): a claim under limits waits for
 * its lock first, and its Pending must not predate the end of the run whose slot it takes.
 */
export function takeCandidates(c: Pick<ClaimRequest, "agentId" | "leaseMs">): Prisma.Sql {
  return Prisma.sql`, claimed AS (
      UPDATE "FlowRun" f SET
        state = ${CLAIM.toSql}, "stateChangedAt" = statement_timestamp(), "stateMessage" = NULL,
        "agentId" = ${c.agentId}::uuid, "leaseId" = gen_random_uuid(),
        "leaseExpiresAt" = statement_timestamp() + ${c.leaseMs}::float8 * interval '1 millisecond', "reportSeq" = 0
      FROM candidates WHERE f.id = candidates.id
      RETURNING f.id, f."leaseId", f."leaseExpiresAt", f.attempt, f."flowVersionId", f."deploymentId",
        f."cellTask", f."parentRunId", f.parameters, f."scheduledAt"
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, ${CLAIMED_FROM}, ${CLAIM.toSql}, ${CLAIMED_MESSAGE}, statement_timestamp() FROM claimed
    )
    SELECT c.id, c."leaseId", c."leaseExpiresAt", c.attempt, c."flowVersionId", c."deploymentId",
      COALESCE(d.name, ${CELL_RUN_LABEL}::text) AS "deploymentName",
      COALESCE(d.runner::text, 'process') AS runner, d.image, d."daskScheduler", c."cellTask", c."parentRunId", c.parameters,
      c."scheduledAt"
    FROM claimed c LEFT JOIN "Deployment" d ON d.id = c."deploymentId"`;
}

/**
 * Claims up to `capacity` due runs of the agent's queues whose tags the agent carries, highest
 * queue priority and oldest start first. FOR UPDATE SKIP LOCKED lets many agents claim at once
 * without waiting on each other or ever taking the same run. No concurrency limit is looked at:
 * this is the path while none exists (server/limits/limits-in-force.ts); else
 * claimFlowRunsWithinLimits.
 */
export async function claimFlowRuns(tx: Tx, c: ClaimRequest): Promise<ClaimedRow[]> {
  return tx.$queryRaw<ClaimedRow[]>`
    WITH candidates AS (
      SELECT r.id ${waitingRunsInClaimOrder(servedBy(c), "due")}
      LIMIT ${c.capacity}::int
      FOR UPDATE OF r SKIP LOCKED
    ) ${takeCandidates(c)}`;
}

/**
 * Renews the leases the agent still holds; returns those runs with their states, and whether
 * the agent re-attached to the run: it had been flagged unreachable (its lease ran out) and, not
 * yet Crashed, is the agent's again. A Crashed run is not active, so a late agent renews nothing.
 */
export async function renewLeases(
  tx: Tx,
  r: { agentId: string; runIds: readonly string[]; leaseMs: number },
): Promise<{ id: string; state: string; reattached: boolean }[]> {
  if (r.runIds.length === 0) return [];
  return tx.$queryRaw`
    WITH held AS (
      SELECT id, "unreachableSince" FROM "FlowRun"
      WHERE "agentId" = ${r.agentId}::uuid AND id = ANY(${textArray(r.runIds)}::uuid[]) AND state IN ${ACTIVE}
      FOR UPDATE
    )
    UPDATE "FlowRun" f SET "leaseExpiresAt" = now() + ${r.leaseMs}::float8 * interval '1 millisecond',
      "unreachableSince" = NULL,
      "stateMessage" = CASE WHEN h."unreachableSince" IS NULL THEN f."stateMessage" ELSE NULL END
    FROM held h WHERE f.id = h.id
    RETURNING f.id, f.state::text AS state, h."unreachableSince" IS NOT NULL AS reattached`;
}

/**
 * An agent's connection broke off mid-heartbeat (its process died: the kernel closed its
 * socket) or it said it is leaving: its leases now end within `withinMs` unless it comes back and
 * renews them, and with no re-attach grace — that grace is for a silent agent (a network cut, where
 * no connection breaks), not a dead one. Without this, a killed agent's runs would wait out the
 * whole lease and the grace. The reaper crashes a run once its lease ended more than the grace
 * ago — or, with flow-level retries left, once it ended (lease-expiry.ts) — so the end is set
 * back by the grace only for runs without retries left: either way the run is Crashed at
 * now + withinMs, not before (the chaos test caught runs with retries crashed at once, before
 * a live agent whose connection had merely dropped could renew).
 */
export async function shortenLeases(
  tx: Tx,
  s: { agentId: string; withinMs: number; reattachGraceMs: number },
): Promise<number> {
  return tx.$executeRaw`
    UPDATE "FlowRun" f SET "leaseExpiresAt" = LEAST(f."leaseExpiresAt",
      now() + (${s.withinMs}::float8 - CASE WHEN ${RETRIES_LEFT} THEN 0 ELSE ${s.reattachGraceMs}::float8 END)
        * interval '1 millisecond')
    WHERE f."agentId" = ${s.agentId}::uuid AND f.state IN ${ACTIVE}`;
}

/** Hands claimed-but-unstarted runs back to their queue (an agent shutting down). */
export async function releaseRuns(
  tx: Tx,
  r: { agentId: string; runIds: readonly string[] },
): Promise<string[]> {
  if (r.runIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH released AS (
      UPDATE "FlowRun" SET state = ${RELEASE.toSql}, "stateChangedAt" = now(),
        "stateMessage" = 'Handed back by an agent that stopped before starting it',
        "agentId" = NULL, "leaseId" = NULL, "leaseExpiresAt" = NULL, "reportSeq" = 0
      WHERE "agentId" = ${r.agentId}::uuid AND id = ANY(${textArray(r.runIds)}::uuid[]) AND state IN ${RELEASE.fromSql}
      RETURNING id
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, ${RELEASED_FROM}, ${RELEASE.toSql}, 'Handed back by an agent that stopped', now() FROM released
    )
    SELECT id FROM released`;
  return rows.map((row) => row.id);
}
