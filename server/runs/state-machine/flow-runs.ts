// Flow-run transitions: each one SQL statement, a guarded update (`WHERE state = ANY(allowed
// from-states)`, row locked) that also appends the state-history row, so a transition and its
// history never disagree and two writers racing for one run cannot both win.
import {
  canTransitionFlowRun,
  INITIAL_FLOW_RUN_STATE,
  INITIAL_TASK_RUN_STATE,
  isFinalFlowRunState,
  type FlowRunState,
} from "../../../contract/run-states.ts";
import type { AuditInsert } from "../../audit/record.ts";
import type { Tx } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { NotFoundError, PipebookError } from "../../errors.ts";
import { CLAIM, CLAIMED_MESSAGE, type ClaimedRow } from "./leases.ts";
import { checkAllowed, jsonOrNull, stateLiteral, textArray, type Json } from "./sql.ts";

// A claimed run is created Scheduled and claimed at once (both in its history).
const CREATED = stateLiteral(INITIAL_FLOW_RUN_STATE);
const TASK_CREATED = stateLiteral(INITIAL_TASK_RUN_STATE);
if (!CLAIM.from.includes(INITIAL_FLOW_RUN_STATE)) {
  throw new Error(
    `a new flow run is ${INITIAL_FLOW_RUN_STATE}, which the claim (${CLAIM.from.join(", ")} → ${CLAIM.to}) does not take: insertClaimedFlowRun would write a transition the table forbids`,
  );
}

export type FlowRunTransition = {
  id: string;
  /** The states the run may be in now; the update happens only from one of these. */
  from: readonly FlowRunState[];
  to: FlowRunState;
  at?: Date;
  message?: string | null;
  /** Columns that change with the state (lease on claim, error on failure, …). */
  set?: {
    agentId?: string | null;
    leaseId?: string | null;
    leaseExpiresAt?: Date | null;
    error?: Json | null;
    attempt?: number;
    scheduledAt?: Date;
  };
};

/**
 * Moves a flow run from one of `from` to `to`. Returns the state it came from, or null when the
 * run was in none of them (another writer got there first); see `transitionFlowRunOrThrow`.
 */
export async function transitionFlowRun(
  tx: Tx,
  t: FlowRunTransition,
): Promise<FlowRunState | null> {
  checkAllowed("flow run", t.from, t.to, canTransitionFlowRun);
  const at = t.at ?? new Date();
  const sets = [
    Prisma.sql`"state" = ${t.to}::"FlowRunState"`,
    Prisma.sql`"stateChangedAt" = ${at}`,
    Prisma.sql`"stateMessage" = ${t.message ?? null}`,
  ];
  if (t.to === "Running") sets.push(Prisma.sql`"startedAt" = COALESCE(f."startedAt", ${at})`);
  if (isFinalFlowRunState(t.to)) sets.push(Prisma.sql`"endedAt" = ${at}`);
  if (t.to === "Scheduled") sets.push(Prisma.sql`"endedAt" = NULL`);
  const s = t.set ?? {};
  if (s.agentId !== undefined) sets.push(Prisma.sql`"agentId" = ${s.agentId}::uuid`);
  if (s.leaseId !== undefined) sets.push(Prisma.sql`"leaseId" = ${s.leaseId}::uuid`);
  if (s.leaseExpiresAt !== undefined) sets.push(Prisma.sql`"leaseExpiresAt" = ${s.leaseExpiresAt}`);
  if (s.error !== undefined) sets.push(Prisma.sql`"error" = ${jsonOrNull(s.error)}::jsonb`);
  if (s.attempt !== undefined) sets.push(Prisma.sql`"attempt" = ${s.attempt}`);
  if (s.scheduledAt !== undefined) sets.push(Prisma.sql`"scheduledAt" = ${s.scheduledAt}`);

  const rows = await tx.$queryRaw<{ fromState: FlowRunState }[]>`
    WITH prev AS (
      SELECT id, state FROM "FlowRun"
      WHERE id = ${t.id}::uuid AND state = ANY(${textArray(t.from)}::"FlowRunState"[])
      FOR UPDATE
    ), upd AS (
      UPDATE "FlowRun" f SET ${Prisma.join(sets)}
      FROM prev WHERE f.id = prev.id
      RETURNING f.id, prev.state AS "fromState"
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, "fromState", ${t.to}::"FlowRunState", ${t.message ?? null}, ${at} FROM upd
    )
    SELECT "fromState"::text AS "fromState" FROM upd`;
  return rows[0]?.fromState ?? null;
}

/** As transitionFlowRun, but a run in another state is a 409 that says which state it is in. */
export async function transitionFlowRunOrThrow(
  tx: Tx,
  t: FlowRunTransition,
): Promise<FlowRunState> {
  const from = await transitionFlowRun(tx, t);
  if (from) return from;
  const run = await tx.flowRun.findUnique({ where: { id: t.id }, select: { state: true } });
  if (!run) throw new NotFoundError("flow run", t.id);
  throw new PipebookError(
    "invalid_state",
    `flow run ${t.id} is ${run.state}, so it cannot become ${t.to}`,
    { state: run.state },
  );
}

/** The CTE that writes a new run's audit event, its id the run's: none without an event. */
const recordRun = (record: AuditInsert | undefined) =>
  record
    ? Prisma.sql`, audit AS (${record(Prisma.sql`(SELECT id::text FROM run)`)})`
    : Prisma.empty;

export type NewFlowRun = {
  flowId: string;
  flowVersionId: string;
  deploymentId: string | null;
  /** Set for a notebook cell run (see schema.prisma FlowRun.cellTask). */
  cellTask?: string | null;
  workQueueId: string;
  tags: string[];
  parameters: Json;
  maxRetries: number;
  scheduledAt: Date;
  createdById?: string | null;
  /** For a replay: the run it replays, how, and for a fromTask replay the task it starts from. */
  parentRunId?: string | null;
  replayKind?: "retry" | "fromFailure" | "fromTask" | null;
  replayTask?: string | null;
  /** For a scheduled run: its schedule (scheduledAt is the slot; one run per schedule and slot). */
  scheduleId?: string | null;
  /** For a backfill's run: its backfill and slot number (one run per backfill and slot). */
  backfillId?: string | null;
  backfillSlot?: number | null;
  /** "Refresh caches": the run's cache lookups miss, so cached tasks run and write fresh entries. */
  refreshCaches?: boolean;
};

/**
 * Creates a flow run in its first state (Scheduled) with one Pending task run per task, in the
 * given order, and the first history row — one statement (a trigger is on the dispatch path).
 */
export async function insertScheduledFlowRun(
  tx: Tx,
  run: NewFlowRun,
  taskNames: readonly string[],
  /** The trigger's audit event, written by the same statement. */
  record?: AuditInsert,
): Promise<{ id: string; state: "Scheduled"; createdAt: Date }> {
  const [created] = await tx.$queryRaw<{ id: string; createdAt: Date }[]>`
    WITH run AS (
      INSERT INTO "FlowRun" ("flowId", "flowVersionId", "deploymentId", "cellTask", "workQueueId", tags,
        parameters, "maxRetries", "scheduledAt", "createdById", "parentRunId", "replayKind", "replayTask",
        "scheduleId", "backfillId", "backfillSlot", "refreshCaches", state, "stateChangedAt", "createdAt")
      VALUES (${run.flowId}::uuid, ${run.flowVersionId}::uuid, ${run.deploymentId}::uuid, ${run.cellTask ?? null}::text,
        ${run.workQueueId}::uuid, ${textArray(run.tags)}::text[], ${JSON.stringify(run.parameters)}::jsonb,
        ${run.maxRetries}::int, ${run.scheduledAt}::timestamptz, ${run.createdById ?? null}::uuid,
        ${run.parentRunId ?? null}::uuid, ${run.replayKind ?? null}::"ReplayKind", ${run.replayTask ?? null}::text,
        ${run.scheduleId ?? null}::uuid, ${run.backfillId ?? null}::uuid, ${run.backfillSlot ?? null}::int,
        ${run.refreshCaches ?? false}::boolean, ${CREATED}, now(), now())
      RETURNING id, "createdAt"
    ), tasks AS (
      INSERT INTO "TaskRun" ("flowRunId", name, position, state, "stateChangedAt")
      SELECT run.id, t.name, (t.position - 1)::int, ${TASK_CREATED}, now()
      FROM run, unnest(${textArray(taskNames)}::text[]) WITH ORDINALITY AS t(name, position)
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "at")
      SELECT id, NULL, ${CREATED}, now() FROM run
    )${recordRun(record)}
    SELECT id, "createdAt" FROM run`;
  return { id: created!.id, state: "Scheduled", createdAt: created!.createdAt };
}

/**
 * Creates a flow run already claimed by an agent that was waiting for work: Scheduled and Pending
 * at once (both recorded in the history), with a fresh lease — one statement. Returns what a
 * claim returns.
 */
export async function insertClaimedFlowRun(
  tx: Tx,
  run: NewFlowRun,
  taskNames: readonly string[],
  claim: {
    agentId: string;
    leaseMs: number;
    deploymentName: string;
    runner: string;
    image: string | null;
    daskScheduler: string | null;
  },
  /** The trigger's audit event, written by the same statement. */
  record?: AuditInsert,
): Promise<ClaimedRow> {
  const [created] = await tx.$queryRaw<ClaimedRow[]>`
    WITH run AS (
      INSERT INTO "FlowRun" ("flowId", "flowVersionId", "deploymentId", "cellTask", "workQueueId", tags,
        parameters, "maxRetries", "scheduledAt", "createdById", "parentRunId", "replayKind", "replayTask",
        "refreshCaches", state, "stateChangedAt", "createdAt", "agentId", "leaseId", "leaseExpiresAt", "reportSeq")
      VALUES (${run.flowId}::uuid, ${run.flowVersionId}::uuid, ${run.deploymentId}::uuid, ${run.cellTask ?? null}::text,
        ${run.workQueueId}::uuid, ${textArray(run.tags)}::text[], ${JSON.stringify(run.parameters)}::jsonb,
        ${run.maxRetries}::int, ${run.scheduledAt}::timestamptz, ${run.createdById ?? null}::uuid,
        ${run.parentRunId ?? null}::uuid, ${run.replayKind ?? null}::"ReplayKind", ${run.replayTask ?? null}::text,
        ${run.refreshCaches ?? false}::boolean, ${CLAIM.toSql}, now(), now(), ${claim.agentId}::uuid, gen_random_uuid(),
        now() + ${claim.leaseMs}::float8 * interval '1 millisecond', 0)
      RETURNING id, "leaseId", "leaseExpiresAt", attempt, "flowVersionId", "deploymentId", "cellTask",
        "parentRunId", parameters, "scheduledAt"
    ), tasks AS (
      INSERT INTO "TaskRun" ("flowRunId", name, position, state, "stateChangedAt")
      SELECT run.id, t.name, (t.position - 1)::int, ${TASK_CREATED}, now()
      FROM run, unnest(${textArray(taskNames)}::text[]) WITH ORDINALITY AS t(name, position)
    ), history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT id, NULL::"FlowRunState", ${CREATED}::"FlowRunState", NULL::text, now() FROM run
      UNION ALL
      SELECT id, ${CREATED}::"FlowRunState", ${CLAIM.toSql}::"FlowRunState", ${CLAIMED_MESSAGE}::text, now() FROM run
    )${recordRun(record)}
    SELECT id, "leaseId", "leaseExpiresAt", attempt, "flowVersionId", "deploymentId", "cellTask",
      "parentRunId", ${claim.deploymentName}::text AS "deploymentName", ${claim.runner}::text AS runner,
      ${claim.image}::text AS image, ${claim.daskScheduler}::text AS "daskScheduler", parameters, "scheduledAt"
    FROM run`;
  return created!;
}
