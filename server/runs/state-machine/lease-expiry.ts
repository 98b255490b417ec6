// The lease reaper's statements (../../services/lease-reaper.ts runs them every half second).
// A run whose agent stopped renewing its lease is first flagged unreachable and stays with its
// agent, which may come back and re-attach (a renewal clears the flag: leases.ts), until the
// re-attach grace period has passed; then it is Crashed, with its tasks. A run whose deployment
// allows another attempt is Crashed at once instead, so that the retry takes it over without
// waiting. A run whose agent never confirmed a cancel is Cancelled, with its tasks. Their
// transitions are declared as data below and checked against the transition table at import
// (fixed-transitions.ts).
import { OPEN_TASK_RUN_STATES } from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import {
  fixedFlowRunTransition,
  fixedTaskRunTransition,
  soleFromSql,
} from "./fixed-transitions.ts";
import { RETRIES_LEFT } from "./flow-retry.ts";
import { CLAIM } from "./leases.ts";
import { stateList } from "./sql.ts";

/** A run being claimed or run whose lease expired. */
export const LEASE_EXPIRED = fixedFlowRunTransition({
  name: "lease expiry",
  from: ["Pending", "Running"],
  to: "Crashed",
});
/** Its tasks that had not started: they never will. */
export const LEASE_EXPIRED_WAITING_TASK = fixedTaskRunTransition({
  name: "lease expiry (task not started)",
  from: ["Pending"],
  to: "NotRun",
});
/** Its tasks that were running or waiting for their next attempt. */
export const LEASE_EXPIRED_STARTED_TASK = fixedTaskRunTransition({
  name: "lease expiry (task started)",
  from: OPEN_TASK_RUN_STATES.filter((s) => !LEASE_EXPIRED_WAITING_TASK.from.includes(s)),
  to: "Crashed",
});
/** A run whose agent did not confirm its cancel before the lease expired. */
export const CANCEL_FORCED = fixedFlowRunTransition({
  name: "forced cancel (lease expiry)",
  from: ["Cancelling"],
  to: "Cancelled",
});
export const CANCEL_FORCED_TASK = fixedTaskRunTransition({
  name: "forced cancel (task)",
  from: OPEN_TASK_RUN_STATES,
  to: "Cancelled",
});
const CANCEL_FORCED_FROM = soleFromSql(CANCEL_FORCED);
const OPEN_TASKS = stateList(OPEN_TASK_RUN_STATES);

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

const UNREACHABLE_MESSAGE = "The agent stopped answering; waiting for it to come back";

export type ReapedLeases = {
  /** Newly flagged: the agent may still re-attach. */
  unreachable: string[];
  crashed: string[];
  cancelled: string[];
};

/**
 * The lease reaper's pass: runs whose lease expired are flagged unreachable, and Crashed once
 * `reattachGraceMs` more has passed, or at once when they have flow-level retries left (their
 * running tasks Crashed, their waiting tasks NotRun; the lease is kept in SupersededLease so the
 * late agent's buffered log lines are still stored: late-logs.ts); runs that were being
 * cancelled are Cancelled. SKIP LOCKED keeps replicas that reap at the same time out of each
 * other's way.
 */
export async function reapExpiredLeases(
  tx: Tx,
  options: { reattachGraceMs: number },
): Promise<ReapedLeases> {
  const waiting = LEASE_EXPIRED_WAITING_TASK;
  const started = LEASE_EXPIRED_STARTED_TASK;
  const graceEnded = Prisma.sql`f."leaseExpiresAt" < now() - ${options.reattachGraceMs}::float8 * interval '1 millisecond'`;
  // Not a state change: the run stays Pending or Running with its agent, so no history row.
  const unreachable = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "FlowRun" f SET "unreachableSince" = now(), "stateMessage" = ${UNREACHABLE_MESSAGE}
    WHERE f.id IN (
      SELECT f.id FROM "FlowRun" f
      WHERE f.state IN ${LEASE_EXPIRED.fromSql} AND f."leaseExpiresAt" < now()
        AND f."unreachableSince" IS NULL AND NOT ${RETRIES_LEFT} AND NOT ${graceEnded}
      FOR UPDATE SKIP LOCKED)
    RETURNING f.id`;
  const crashed = await tx.$queryRaw<{ id: string }[]>`
    WITH expired AS (
      SELECT f.id, f.state, f."leaseId", f."reportSeq" FROM "FlowRun" f
      WHERE f.state IN ${LEASE_EXPIRED.fromSql} AND f."leaseExpiresAt" < now()
        AND (${RETRIES_LEFT} OR ${graceEnded})
      FOR UPDATE SKIP LOCKED
    ), runs AS (
      UPDATE "FlowRun" f SET state = ${LEASE_EXPIRED.toSql}, "stateChangedAt" = now(), "endedAt" = now(),
        "stateMessage" = 'The agent stopped answering (lease expired)', error = ${CRASHED}::jsonb,
        "unreachableSince" = NULL
      FROM expired e WHERE f.id = e.id
      RETURNING f.id, e.state AS from_state
    ), superseded AS (
      INSERT INTO "SupersededLease" ("leaseId", "flowRunId", "claimedAt", "reportSeq")
      SELECT e."leaseId", e.id,
        COALESCE((SELECT h.at FROM "FlowRunStateEvent" h WHERE h."flowRunId" = e.id
          AND h."toState" = ${CLAIM.toSql} ORDER BY h.id DESC LIMIT 1), now()),
        e."reportSeq"
      FROM expired e WHERE e."leaseId" IS NOT NULL
      ON CONFLICT DO NOTHING
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, from_state, ${LEASE_EXPIRED.toSql}, 'The agent stopped answering (lease expired)', now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ${OPEN_TASKS}
    ), tasks AS (
      UPDATE "TaskRun" t SET
        state = CASE WHEN b.state IN ${waiting.fromSql} THEN ${waiting.toSql}::"TaskRunState" ELSE ${started.toSql}::"TaskRunState" END,
        error = CASE WHEN b.state IN ${waiting.fromSql} THEN ${NOT_STARTED}::jsonb ELSE ${TASK_CRASHED}::jsonb END,
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
      SELECT id FROM "FlowRun" WHERE state IN ${CANCEL_FORCED.fromSql} AND "leaseExpiresAt" < now()
      FOR UPDATE SKIP LOCKED
    ), runs AS (
      UPDATE "FlowRun" f SET state = ${CANCEL_FORCED.toSql}, "stateChangedAt" = now(), "endedAt" = now(),
        "stateMessage" = 'Cancelled (the agent did not confirm before its lease expired)'
      FROM expired e WHERE f.id = e.id
      RETURNING f.id
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, ${CANCEL_FORCED_FROM}, ${CANCEL_FORCED.toSql}, 'Forced: the agent did not confirm before its lease expired', now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ${CANCEL_FORCED_TASK.fromSql}
    ), tasks AS (
      UPDATE "TaskRun" t SET state = ${CANCEL_FORCED_TASK.toSql}, error = ${CANCELLED}::jsonb,
        "stateChangedAt" = now(), "endedAt" = now(), "nextAttemptAt" = NULL
      FROM tasks_before b WHERE t.id = b.id
      RETURNING t.id, t."flowRunId", b.state AS from_state, t.attempts, t.error
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "error", "at")
      SELECT "flowRunId", id, from_state, ${CANCEL_FORCED_TASK.toSql}, attempts, 'The flow run was cancelled', error, now() FROM tasks
    )
    SELECT id FROM runs`;

  return {
    unreachable: unreachable.map((r) => r.id),
    crashed: crashed.map((r) => r.id),
    cancelled: cancelled.map((r) => r.id),
  };
}
