// Task-run transitions: in bulk (a cancel sweeping a run's pending tasks) and in batches from
// agents' reports, where one statement moves many task runs and one more records their history.
import {
  canTransitionTaskRun,
  isFinalTaskRunState,
  type TaskRunState,
} from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { PipebookError } from "../../errors.ts";
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
      RETURNING r.id, r.name, r.attempts, prev.state AS "fromState"
    ), history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "at")
      SELECT ${t.flowRunId}::uuid, id, "fromState", ${t.to}::"TaskRunState", attempts, ${t.message ?? null}, ${at}
      FROM upd
    )
    SELECT name FROM upd`;
  return rows.map((r) => r.name);
}

export type TaskChange = {
  task: string;
  to: TaskRunState;
  at: Date;
  attempt: number;
  message?: string | null;
  error?: Json | null;
  nextAttemptAt?: Date | null;
};

type TaskRow = {
  id: string;
  name: string;
  state: TaskRunState;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
  nextAttemptAt: Date | null;
  error: Json | null;
  stateChangedAt: Date;
};

/**
 * Applies an agent's task events of one flow run, in order, as two statements: one update of
 * every task run that changed (guarded by the state each was in) and one insert of every step
 * into the history. Each step is checked against the transition table first; a step it forbids
 * refuses the whole batch. Returns the task runs by name, for attaching results.
 */
export async function applyTaskChanges(
  tx: Tx,
  flowRunId: string,
  changes: readonly TaskChange[],
): Promise<Map<string, { id: string; state: TaskRunState }>> {
  const rows = await tx.taskRun.findMany({
    where: { flowRunId },
    select: {
      id: true,
      name: true,
      state: true,
      attempts: true,
      startedAt: true,
      endedAt: true,
      nextAttemptAt: true,
      error: true,
      stateChangedAt: true,
    },
  });
  const original = new Map(rows.map((r) => [r.name, r.state]));
  const current = new Map(rows.map((r) => [r.name, { ...r } as TaskRow]));
  const history: Prisma.TaskRunStateEventCreateManyInput[] = [];

  for (const change of changes) {
    const row = current.get(change.task);
    if (!row) {
      throw new PipebookError(
        "bad_request",
        `report names task "${change.task}", which this run does not have`,
      );
    }
    if (!canTransitionTaskRun(row.state, change.to)) {
      throw new PipebookError(
        "bad_request",
        `report moves task "${change.task}" from ${row.state} to ${change.to}, which is not a valid transition`,
      );
    }
    history.push({
      flowRunId,
      taskRunId: row.id,
      fromState: row.state,
      toState: change.to,
      attempt: change.attempt,
      message: change.message ?? null,
      at: change.at,
    });
    row.state = change.to;
    row.attempts = Math.max(row.attempts, change.attempt);
    row.stateChangedAt = change.at;
    if (change.to === "Running") row.startedAt ??= change.at;
    row.endedAt = isFinalTaskRunState(change.to) ? change.at : null;
    row.nextAttemptAt = change.to === "Retrying" ? (change.nextAttemptAt ?? null) : null;
    row.error = change.error ?? null;
  }

  const changed = [...current.values()].filter((r) => history.some((h) => h.taskRunId === r.id));
  if (changed.length) {
    const values = Prisma.join(
      changed.map(
        (r) => Prisma.sql`(
          ${r.id}::uuid, ${original.get(r.name)}::"TaskRunState", ${r.state}::"TaskRunState",
          ${r.attempts}::int, ${r.startedAt}::timestamptz, ${r.endedAt}::timestamptz,
          ${r.nextAttemptAt}::timestamptz, ${jsonOrNull(r.error)}::jsonb, ${r.stateChangedAt}::timestamptz
        )`,
      ),
    );
    const updated = await tx.$executeRaw`
      UPDATE "TaskRun" t SET
        state = v.to_state, attempts = v.attempts, "startedAt" = v.started_at,
        "endedAt" = v.ended_at, "nextAttemptAt" = v.next_attempt_at, error = v.error,
        "stateChangedAt" = v.changed_at
      FROM (VALUES ${values}) AS v(id, from_state, to_state, attempts, started_at, ended_at, next_attempt_at, error, changed_at)
      WHERE t.id = v.id AND t.state = v.from_state`;
    if (updated !== changed.length) {
      // Someone else moved a task run meanwhile: the whole batch is refused and rolled back.
      throw new PipebookError(
        "conflict",
        "task runs changed while the report was applied; send it again",
      );
    }
    await tx.taskRunStateEvent.createMany({ data: history });
  }
  return new Map([...current.values()].map((r) => [r.name, { id: r.id, state: r.state }]));
}
