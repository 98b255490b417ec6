// Flow-level retry (deployment retries): a run that ended Failed or Crashed within its retries
// goes back to its queue as its next attempt. The rule is contract/run-states.ts canRetryFlowRun
// (its states are RETRYABLE_FLOW_RUN_STATES); RETRY_ALLOWED is its SQL, tested against it row by
// row (hot-sql-retry.int.test.ts).
import {
  INITIAL_TASK_RUN_STATE,
  RESTARTABLE_TASK_RUN_STATES,
  RETRYABLE_FLOW_RUN_STATES,
} from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { fixedFlowRunTransition, fixedTaskRunTransition } from "./fixed-transitions.ts";

export const FLOW_RETRY = fixedFlowRunTransition({
  name: "flow-level retry",
  from: RETRYABLE_FLOW_RUN_STATES,
  to: "Scheduled",
});
/** The retried run's tasks that did not succeed start over; Completed and Cached ones are kept. */
export const FLOW_RETRY_TASK = fixedTaskRunTransition({
  name: "flow-level retry (task)",
  from: RESTARTABLE_TASK_RUN_STATES,
  to: INITIAL_TASK_RUN_STATE,
});

/** hasFlowRetriesLeft, for a flow run `f`. */
export const RETRIES_LEFT = Prisma.sql`(f.attempt <= f."maxRetries")`;
/** canRetryFlowRun, for a flow run `f`. */
export const RETRY_ALLOWED = Prisma.sql`(f.state IN ${FLOW_RETRY.fromSql} AND ${RETRIES_LEFT})`;

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
      WHERE f.id = ${id}::uuid AND ${RETRY_ALLOWED}
      FOR UPDATE OF f
    ), runs AS (
      UPDATE "FlowRun" f SET state = ${FLOW_RETRY.toSql}, attempt = f.attempt + 1,
        "scheduledAt" = now() + t.delay * interval '1 second', "stateChangedAt" = now(),
        "stateMessage" = ${message}, "endedAt" = NULL, error = NULL,
        "agentId" = NULL, "leaseId" = NULL, "leaseExpiresAt" = NULL, "reportSeq" = 0
      FROM target t WHERE f.id = t.id
      RETURNING f.id, t.state AS from_state
    ), run_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, from_state, ${FLOW_RETRY.toSql}, ${message}, now() FROM runs
    ), tasks_before AS (
      SELECT t.id, t.state FROM "TaskRun" t JOIN runs r ON t."flowRunId" = r.id
      WHERE t.state IN ${FLOW_RETRY_TASK.fromSql}
    ), tasks AS (
      UPDATE "TaskRun" t SET state = ${FLOW_RETRY_TASK.toSql}, "startedAt" = NULL, "endedAt" = NULL, error = NULL,
        "nextAttemptAt" = NULL, "stateChangedAt" = now()
      FROM tasks_before b WHERE t.id = b.id
      RETURNING t.id, t."flowRunId", b.state AS from_state, t.attempts
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "at")
      SELECT "flowRunId", id, from_state, ${FLOW_RETRY_TASK.toSql}, attempts, ${message}, now() FROM tasks
    )
    SELECT id FROM runs`;
  return rows.length > 0;
}
