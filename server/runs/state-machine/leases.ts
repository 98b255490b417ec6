// Transitions that agents' leases drive: the claim (Scheduled → Pending, with a new lease), the
// renewal, the hand-back on shutdown, the fence every report passes, the reaper (an expired
// lease: Crashed, or Cancelled when a cancel was pending) and the flow-level retry.
// Each is one statement; comments on timing refer to the defaults (lease 15 s, heartbeat 5 s).
import type { RunnerKind } from "../../../contract/agent-protocol.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { ACTIVE, textArray, type Json } from "./sql.ts";

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
export const RUN_IS_DUE = Prisma.sql`(r.state = 'Scheduled' AND r."scheduledAt" <= now())`;

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
        AND e.state = 'Scheduled' AND (e."scheduledAt", e.id) < (r."scheduledAt", r.id))))`;

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
    which === "due" ? RUN_IS_DUE : Prisma.sql`r.state = 'Scheduled' AND NOT ${RUN_IS_DUE}`;
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
        state = 'Pending', "stateChangedAt" = statement_timestamp(), "stateMessage" = NULL,
        "agentId" = ${c.agentId}::uuid, "leaseId" = gen_random_uuid(),
        "leaseExpiresAt" = statement_timestamp() + ${c.leaseMs}::float8 * interval '1 millisecond', "reportSeq" = 0
      FROM candidates WHERE f.id = candidates.id
      RETURNING f.id, f."leaseId", f."leaseExpiresAt", f.attempt, f."flowVersionId", f."deploymentId",
        f."cellTask", f."parentRunId", f.parameters, f."scheduledAt"
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, 'Scheduled', 'Pending', 'Claimed by an agent', statement_timestamp() FROM claimed
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

/** Renews the leases the agent still holds; returns those runs with their states. */
export async function renewLeases(
  tx: Tx,
  r: { agentId: string; runIds: readonly string[]; leaseMs: number },
): Promise<{ id: string; state: string }[]> {
  if (r.runIds.length === 0) return [];
  return tx.$queryRaw`
    UPDATE "FlowRun" SET "leaseExpiresAt" = now() + ${r.leaseMs}::float8 * interval '1 millisecond'
    WHERE "agentId" = ${r.agentId}::uuid AND id = ANY(${textArray(r.runIds)}::uuid[]) AND state IN ${ACTIVE}
    RETURNING id, state::text AS state`;
}

/**
 * An agent's connection broke off mid-heartbeat (its process died, or its host went away):
 * its leases now end within `withinMs` unless it comes back and renews them. Without this, a
 * killed agent's runs would wait out the whole lease.
 */
export async function shortenLeases(
  tx: Tx,
  s: { agentId: string; withinMs: number },
): Promise<number> {
  return tx.$executeRaw`
    UPDATE "FlowRun" SET "leaseExpiresAt" = LEAST("leaseExpiresAt", now() + ${s.withinMs}::float8 * interval '1 millisecond')
    WHERE "agentId" = ${s.agentId}::uuid AND state IN ${ACTIVE}`;
}

/** Hands claimed-but-unstarted runs back to their queue (an agent shutting down). */
export async function releaseRuns(
  tx: Tx,
  r: { agentId: string; runIds: readonly string[] },
): Promise<string[]> {
  if (r.runIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH released AS (
      UPDATE "FlowRun" SET state = 'Scheduled', "stateChangedAt" = now(),
        "stateMessage" = 'Handed back by an agent that stopped before starting it',
        "agentId" = NULL, "leaseId" = NULL, "leaseExpiresAt" = NULL, "reportSeq" = 0
      WHERE "agentId" = ${r.agentId}::uuid AND id = ANY(${textArray(r.runIds)}::uuid[]) AND state = 'Pending'
      RETURNING id
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, 'Pending', 'Scheduled', 'Handed back by an agent that stopped', now() FROM released
    )
    SELECT id FROM released`;
  return rows.map((row) => row.id);
}

const CRASHED = JSON.stringify({
  type: "Crashed",
  message: "The agent running this flow stopped answering and its lease expired",
});
const TASK_CRASHED = JSON.stringify({
  type: "Crashed",
  message: "The agent running this task stopped answering",
});
const NOT_STARTED = JSON.stringify({
  type: "FlowRunCrashed",
  message: "The flow run crashed before this task started",
});
const CANCELLED = JSON.stringify({ type: "Cancelled", message: "The flow run was cancelled" });

/**
 * The lease reaper's pass: runs whose lease expired are Crashed (their running tasks Crashed,
 * their waiting tasks NotRun); runs that were being cancelled are Cancelled. SKIP LOCKED keeps
 * replicas that reap at the same time out of each other's way.
 */
export async function reapExpiredLeases(
  tx: Tx,
): Promise<{ crashed: string[]; cancelled: string[] }> {
  const crashed = await tx.$queryRaw<{ id: string }[]>`
    WITH expired AS (
      SELECT id, state FROM "FlowRun"
      WHERE state IN ('Pending', 'Running') AND "leaseExpiresAt" < now()
      FOR UPDATE SKIP LOCKED
    ), runs AS (
      UPDATE "FlowRun" f SET state = 'Crashed', "stateChangedAt" = now(), "endedAt" = now(),
        "stateMessage" = 'The agent stopped answering (lease expired)', error = ${CRASHED}::jsonb
      FROM expired e WHERE f.id = e.id
      RETURNING f.id, e.state AS from_state
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, from_state, 'Crashed', 'The agent stopped answering (lease expired)', now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ('Pending', 'Running', 'Retrying')
    ), tasks AS (
      UPDATE "TaskRun" t SET
        state = CASE WHEN b.state = 'Pending' THEN 'NotRun'::"TaskRunState" ELSE 'Crashed'::"TaskRunState" END,
        error = CASE WHEN b.state = 'Pending' THEN ${NOT_STARTED}::jsonb ELSE ${TASK_CRASHED}::jsonb END,
        "stateChangedAt" = now(), "endedAt" = now(), "nextAttemptAt" = NULL
      FROM tasks_before b WHERE t.id = b.id
      RETURNING t.id, t."flowRunId", b.state AS from_state, t.state AS to_state, t.attempts, t.error
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "error", "at")
      SELECT "flowRunId", id, from_state, to_state, attempts, 'The flow run crashed', error, now() FROM tasks
    )
    SELECT id FROM runs`;

  const cancelled = await tx.$queryRaw<{ id: string }[]>`
    WITH expired AS (
      SELECT id FROM "FlowRun" WHERE state = 'Cancelling' AND "leaseExpiresAt" < now()
      FOR UPDATE SKIP LOCKED
    ), runs AS (
      UPDATE "FlowRun" f SET state = 'Cancelled', "stateChangedAt" = now(), "endedAt" = now(),
        "stateMessage" = 'Cancelled (the agent did not confirm before its lease expired)'
      FROM expired e WHERE f.id = e.id
      RETURNING f.id
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, 'Cancelling', 'Cancelled', 'Forced: the agent did not confirm before its lease expired', now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ('Pending', 'Running', 'Retrying')
    ), tasks AS (
      UPDATE "TaskRun" t SET state = 'Cancelled', error = ${CANCELLED}::jsonb,
        "stateChangedAt" = now(), "endedAt" = now(), "nextAttemptAt" = NULL
      FROM tasks_before b WHERE t.id = b.id
      RETURNING t.id, t."flowRunId", b.state AS from_state, t.attempts, t.error
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "error", "at")
      SELECT "flowRunId", id, from_state, 'Cancelled', attempts, 'The flow run was cancelled', error, now() FROM tasks
    )
    SELECT id FROM runs`;

  return { crashed: crashed.map((r) => r.id), cancelled: cancelled.map((r) => r.id) };
}

/**
 * Flow-level retry: a Failed or Crashed run within its deployment's retries goes back to its
 * queue after the deployment's retry delay, as its next attempt. Tasks that completed keep their
 * results (the retry resumes); the others start over from Pending. Returns whether it did.
 */
export async function retryFlowRun(tx: Tx, id: string): Promise<boolean> {
  const message = "Retrying the flow run (deployment retries)";
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH target AS (
      SELECT f.id, f.state, d."retryDelaySeconds" AS delay
      FROM "FlowRun" f JOIN "Deployment" d ON d.id = f."deploymentId"
      WHERE f.id = ${id}::uuid AND f.state IN ('Failed', 'Crashed') AND f.attempt <= f."maxRetries"
      FOR UPDATE OF f
    ), runs AS (
      UPDATE "FlowRun" f SET state = 'Scheduled', attempt = f.attempt + 1,
        "scheduledAt" = now() + t.delay * interval '1 second', "stateChangedAt" = now(),
        "stateMessage" = ${message}, "endedAt" = NULL, error = NULL,
        "agentId" = NULL, "leaseId" = NULL, "leaseExpiresAt" = NULL, "reportSeq" = 0
      FROM target t WHERE f.id = t.id
      RETURNING f.id, t.state AS from_state
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, from_state, 'Scheduled', ${message}, now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ('Failed', 'Cancelled', 'Crashed', 'NotRun')
    ), tasks AS (
      UPDATE "TaskRun" t SET state = 'Pending', "startedAt" = NULL, "endedAt" = NULL, error = NULL,
        "nextAttemptAt" = NULL, "stateChangedAt" = now()
      FROM tasks_before b WHERE t.id = b.id
      RETURNING t.id, t."flowRunId", b.state AS from_state, t.attempts
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "at")
      SELECT "flowRunId", id, from_state, 'Pending', attempts, ${message}, now() FROM tasks
    )
    SELECT id FROM runs`;
  return rows.length > 0;
}
