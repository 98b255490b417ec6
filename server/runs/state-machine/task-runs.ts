// Task-run transitions in bulk (a cancel sweeping a run's pending tasks). Transitions reported by
// agents go through report-batch.ts, with the run's.
import {
  canTransitionTaskRun,
  isFinalTaskRunState,
  type TaskRunState,
} from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { checkAllowed, jsonOrNull, textArray, type Json } from "./sql.ts";

export type TaskRunTransition = {
  flowRunId: string;
  /** The task runs to move, by task name; all of the run's task runs when omitted. */
  names?: readonly string[];
  from: readonly TaskRunState[];
  to: TaskRunState;
  at?: Date;
  message?: string | null;
  set?: {
    attempts?: number;
    nextAttemptAt?: Date | null;
    error?: Json | null;
  };
};

/**
 * Moves the named task runs of a flow run (those in one of `from`) to `to`, in one statement.
 * Returns the names that moved; the others were not in an allowed state.
 */
export async function transitionTaskRuns(tx: Tx, t: TaskRunTransition): Promise<string[]> {
  checkAllowed("task run", t.from, t.to, canTransitionTaskRun);
  const at = t.at ?? new Date();
  const sets = [
    Prisma.sql`"state" = ${t.to}::"TaskRunState"`,
    Prisma.sql`"stateChangedAt" = ${at}`,
  ];
  if (t.to === "Running") sets.push(Prisma.sql`"startedAt" = COALESCE(r."startedAt", ${at})`);
  if (isFinalTaskRunState(t.to)) sets.push(Prisma.sql`"endedAt" = ${at}`);
  if (t.to === "Pending") {
    // Reset for a retried flow run: the task starts over.
    sets.push(Prisma.sql`"startedAt" = NULL, "endedAt" = NULL, "error" = NULL`);
  }
  const s = t.set ?? {};
  if (s.attempts !== undefined) sets.push(Prisma.sql`"attempts" = ${s.attempts}`);
  if (s.nextAttemptAt !== undefined) sets.push(Prisma.sql`"nextAttemptAt" = ${s.nextAttemptAt}`);
  if (t.to !== "Retrying" && s.nextAttemptAt === undefined) {
    sets.push(Prisma.sql`"nextAttemptAt" = NULL`);
  }
  if (s.error !== undefined) sets.push(Prisma.sql`"error" = ${jsonOrNull(s.error)}::jsonb`);

  const nameFilter = t.names
    ? Prisma.sql`AND name = ANY(${textArray(t.names)}::text[])`
    : Prisma.empty;
  const rows = await tx.$queryRaw<{ name: string }[]>`
    WITH prev AS (
      SELECT id, state FROM "TaskRun"
      WHERE "flowRunId" = ${t.flowRunId}::uuid ${nameFilter}
        AND state = ANY(${textArray(t.from)}::"TaskRunState"[])
      FOR UPDATE
    ), upd AS (
      UPDATE "TaskRun" r SET ${Prisma.join(sets)}
      FROM prev WHERE r.id = prev.id
      RETURNING r.id, r.name, r.attempts, r.error, prev.state AS "fromState"
    ), history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "error", "at")
      SELECT ${t.flowRunId}::uuid, id, "fromState", ${t.to}::"TaskRunState", attempts, ${t.message ?? null}, error, ${at}
      FROM upd
    )
    SELECT name FROM upd`;
  return rows.map((r) => r.name);
}
