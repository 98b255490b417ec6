// Applying one report batch of an agent: the hot path of every run. One read takes the run and
// its task runs and the window its times must fall in; every step is checked against the
// transition table in memory, and a run's end against its tasks (an agent holds a lease, not the
// truth: report-times.ts, finalFlowRunStateProblem); then ONE statement writes the plan whole
// (report-write.ts) — the run's new state and lease, its history, the log lines, the task runs'
// new states and history, and their results. Measured on PGlite here: a
// 40-task batch in ~4 ms, where the same work as separate Prisma calls took ~30 ms
// (docs/benchmarks.md). Log lines are stored as chunks (../logs/chunks.ts): 20,000 lines are ~20
// rows.
//
// No transaction and no row lock: the write is fenced on everything the read decided from (the
// run's lease, batch number, state and line count; each task's state), so it applies whole or
// not at all, and a batch that lost a race — the agent's re-send of a batch still in flight, the
// lease reaper, a cancel — is read again and answered from what won. Every other writer of a
// run's task runs changes the run's row first (lease-expiry.ts, flow-retry.ts, cancel), so the
// fence on the run covers its tasks (replays and cell runs write the task runs of a run they
// are creating, which no agent holds yet); a task changed after the statement's snapshot fails
// the tasks' own fence, and the statement undoes itself. Two statements instead of a
// transaction's four round trips, and PGlite's one connection is not held while JavaScript runs
// (docs/benchmarks.md; a batch that fails the run keeps a transaction: apply-report.ts).
//
// Mapped tasks' items are task runs too (mapIndex ≥ 0): a `map` event creates them (Pending, in
// this same statement), and item events move them. The read takes the run's own tasks and only
// the items this batch names, so a run of 10,000 items is not read whole for every batch.
import { runPrefix } from "../../storage/object-store.ts";
import type { LogBlock, LogEvent, ReportEvent } from "../../../contract/agent-protocol.ts";
import {
  canTransitionFlowRun,
  canTransitionTaskRun,
  finalFlowRunStateProblem,
  isActiveFlowRunState,
  isFinalFlowRunState,
  isFinalTaskRunState,
  isSuccessfulTaskRunState,
  type FlowRunState,
} from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { PipebookError } from "../../errors.ts";
import { blocksOfEvents, planChunks } from "../logs/chunks.ts";
import { boundReportTimes } from "./report-times.ts";
import {
  announcedItems,
  describe,
  itemKey,
  itemsNamed,
  taskOf,
  type NewItem,
  type TaskRow,
} from "./report-items.ts";
import { CLAIM } from "./leases.ts";
import { keyHoldsRun } from "../../agents/agent-access.ts";
import { textArray } from "./sql.ts";
import { isWriteConflict } from "../../db/sql-state.ts";
import { writeReportPlan, type ReportPlan } from "./report-write.ts";

export type ReportBatch = {
  flowRunId: string;
  leaseId: string;
  seq: number;
  leaseMs: number;
  events: readonly ReportEvent[];
  /** Log lines in compact blocks, after the log events of `events`. */
  logs?: readonly LogBlock[];
  /**
   * The API key the agent authenticated with: the run must be held by an agent of that key,
   * checked in the same read (agent-access.ts). The route always passes it; tests that play
   * the agent in process may leave it out.
   */
  callerKeyId?: string | null;
};

export type BatchOutcome =
  | { outcome: "applied"; state: FlowRunState }
  | { outcome: "duplicate"; state: FlowRunState }
  | {
      outcome: "refused";
      state: FlowRunState | null;
      leaseHeld: boolean;
      reportSeq: number;
      /** Whether the caller's key is the key of the run's agent now (see callerKeyId). */
      callerHolds: boolean;
    }
  | { outcome: "forbidden" };

/** The run changed between the read and the write: nothing was written. */
type Raced = { outcome: "raced" };

/**
 * A batch that keeps losing races is a bug or a storm: answered 409, which the agent re-sends
 * after a pause, up to 5 times (agent/reporting/run-reporter.ts) — 25 lost races in a row before
 * it gives the batch up.
 */
const MAX_READS = 5;

type RunRow = {
  state: FlowRunState;
  leaseId: string | null;
  reportSeq: number;
  logLines: number;
  /** The API key of the agent that holds the run. */
  holderKeyId: string | null;
  /** The database's clock now, and when this lease claimed the run: the window of its reports. */
  serverNow: Date | string;
  claimedAt: Date | string | null;
  tasks: Omit<TaskRow, "endedAt" | "nextAttemptAt" | "error" | "changedAt">[];
};

/**
 * Applies `batch` whole or not at all. `db` may be the client or, with `inTransaction`, an open
 * transaction: there a statement that undid itself (or lost a deadlock) has aborted the
 * transaction, so the caller answers it (apply-report.ts); alone it is a race like any other.
 */
export async function applyReportBatch(
  db: Tx,
  batch: ReportBatch,
  { inTransaction = false } = {},
): Promise<BatchOutcome> {
  for (let read = 1; ; read++) {
    let outcome: BatchOutcome | Raced;
    try {
      outcome = await tryApplyReportBatch(db, batch);
    } catch (error) {
      if (inTransaction || !isWriteConflict(error)) throw error;
      outcome = { outcome: "raced" };
    }
    if (outcome.outcome !== "raced") return outcome;
    if (read === MAX_READS) throw raceLost(batch);
  }
}

/** The answer to a batch that lost its race for good: not applied, the agent sends it again. */
export function raceLost(batch: Pick<ReportBatch, "flowRunId" | "seq">): PipebookError {
  return new PipebookError(
    "conflict",
    `flow run ${batch.flowRunId} kept changing while report batch ${batch.seq} was applied: send it again`,
  );
}

async function tryApplyReportBatch(tx: Tx, batch: ReportBatch): Promise<BatchOutcome | Raced> {
  const itemsRead = itemsNamed(batch.events);
  const [run] = await tx.$queryRaw<RunRow[]>`
    SELECT f.state::text AS state, f."leaseId"::text AS "leaseId", f."reportSeq", f."logLines",
      (SELECT a."apiKeyId"::text FROM "Agent" a WHERE a.id = f."agentId") AS "holderKeyId",
      now() AS "serverNow",
      (SELECT e.at FROM "FlowRunStateEvent" e WHERE e."flowRunId" = f.id AND e."toState" = ${CLAIM.toSql}
        ORDER BY e.id DESC LIMIT 1) AS "claimedAt",
      COALESCE((
        SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'mapIndex', t."mapIndex",
          'position', t.position, 'state', t.state, 'attempts', t.attempts, 'startedAt', t."startedAt"))
        FROM "TaskRun" t WHERE t."flowRunId" = f.id AND (t."mapIndex" = -1
          OR t.name = ANY(${textArray(itemsRead.tasks)}::text[])
          OR (t.name, t."mapIndex") IN (SELECT k.task, k.item FROM json_to_recordset(${JSON.stringify(itemsRead.items)}::json) AS k(task text, item int)))
      ), '[]'::json) AS tasks
    FROM "FlowRun" f WHERE f.id = ${batch.flowRunId}::uuid`;
  if (!run) {
    return { outcome: "refused", state: null, leaseHeld: false, reportSeq: 0, callerHolds: false };
  }
  const callerHolds =
    batch.callerKeyId === undefined || keyHoldsRun(run.holderKeyId, batch.callerKeyId);
  const leaseHeld = run.leaseId === batch.leaseId;
  // Under the run's current lease only its agent's key may report. A batch under another lease
  // is refused below whoever sends it; the caller decides whether its lines are a late agent's
  // (apply-report.ts) — while a retried run waits unclaimed it has no agent at all.
  if (leaseHeld && !callerHolds) return { outcome: "forbidden" };
  if (leaseHeld && batch.seq <= run.reportSeq) return { outcome: "duplicate", state: run.state };
  if (!leaseHeld || !isActiveFlowRunState(run.state) || batch.seq !== run.reportSeq + 1) {
    const { state, reportSeq } = run;
    return { outcome: "refused", state, leaseHeld, reportSeq, callerHolds };
  }

  // ---- every step, checked in memory, at times the run's window allows (report-times.ts)
  const serverNow = new Date(run.serverNow).getTime();
  const bounded = boundReportTimes(
    {
      notBefore: run.claimedAt ? new Date(run.claimedAt).getTime() : serverNow,
      notAfter: serverNow,
    },
    batch.events,
    batch.logs ?? [],
  );
  let flowState: FlowRunState = run.state;
  let flowChange: ReportPlan["flowChange"] = null;
  let startedAt: string | null = null;
  const flowHistory: ReportPlan["flowHistory"] = [];
  const tasks = new Map<string, TaskRow>();
  const items = new Map<string, TaskRow>();
  for (const t of run.tasks) {
    const row = { ...t, endedAt: null, nextAttemptAt: null, error: null, changedAt: null };
    if (t.mapIndex < 0) tasks.set(t.name, row);
    else items.set(itemKey(t.name, t.mapIndex), row);
  }
  const original = new Map(run.tasks.map((t) => [t.id, t.state]));
  const changed = new Set<TaskRow>();
  const created: NewItem[] = [];
  const taskHistory: ReportPlan["taskHistory"] = [];
  const results: ReportPlan["results"] = [];
  const logEvents: LogEvent[] = [];

  for (const event of bounded.events) {
    if (event.type === "log") {
      logEvents.push(event);
    } else if (event.type === "map") {
      const task = tasks.get(event.task);
      if (!task) {
        throw new PipebookError(
          "bad_request",
          `report maps task "${event.task}", which this run does not have`,
        );
      }
      task.mapCount = event.count;
      changed.add(task);
      for (const item of announcedItems(event, task, items)) {
        created.push(item);
        items.set(itemKey(item.name, item.mapIndex), item);
      }
    } else if (event.type === "flow") {
      if (!canTransitionFlowRun(flowState, event.state)) {
        throw new PipebookError(
          "invalid_state",
          `report moves flow run ${batch.flowRunId} from ${flowState} to ${event.state}, which is not a valid transition`,
          { state: flowState },
        );
      }
      // A mapped task ends only once its items have: its own row speaks for them.
      const problem = finalFlowRunStateProblem(event.state, [...tasks.values()]);
      if (problem) {
        throw new PipebookError(
          "invalid_state",
          `report ends flow run ${batch.flowRunId} ${event.state}, but ${problem}`,
          { state: flowState },
        );
      }
      flowHistory.push({
        from: flowState,
        to: event.state,
        message: event.message ?? null,
        at: event.at,
      });
      if (event.state === "Running") startedAt ??= event.at;
      flowState = event.state;
      flowChange = {
        state: event.state,
        at: event.at,
        message: event.message ?? null,
        error: event.error ?? null,
      };
    } else {
      const task = taskOf(event, tasks, items);
      if (!canTransitionTaskRun(task.state, event.state)) {
        throw new PipebookError(
          "bad_request",
          `report moves ${describe(event)} from ${task.state} to ${event.state}, which is not a valid transition`,
        );
      }
      taskHistory.push({
        taskRunId: task.id,
        from: task.state,
        to: event.state,
        attempt: event.attempt,
        message: event.message ?? null,
        error: event.error ?? null,
        at: event.at,
      });
      task.state = event.state;
      task.attempts = Math.max(task.attempts, event.attempt);
      task.changedAt = event.at;
      if (event.state === "Running") task.startedAt ??= event.at;
      task.endedAt = isFinalTaskRunState(event.state) ? event.at : null;
      task.nextAttemptAt = event.state === "Retrying" ? (event.nextAttemptAt ?? null) : null;
      task.error = event.error ?? null;
      if (event.state === "Cached" && event.cachedFrom) task.cachedFrom = event.cachedFrom;
      if (task.mapIndex < 0 || !("inputPreview" in task)) changed.add(task);
      if (isSuccessfulTaskRunState(event.state) && event.stored) {
        // A large result the agent uploaded: only its reference is kept. A Completed one must
        // be this run's own (a Cached one was handed to the agent from an earlier run).
        if (
          event.state === "Completed" &&
          !event.stored.key.startsWith(runPrefix(batch.flowRunId))
        ) {
          throw new PipebookError(
            "bad_request",
            `report gives ${describe(event)} a stored result outside this run's keys`,
          );
        }
        results.push({
          taskRunId: task.id,
          value: null,
          sizeBytes: event.stored.sizeBytes,
          storageKey: event.stored.key,
          storageId: event.stored.storage,
          cacheKey: event.cache?.key ?? null,
          expiresAt: event.cache?.expiresAt ?? null,
        });
      } else if (isSuccessfulTaskRunState(event.state) && "result" in event) {
        const json = JSON.stringify(event.result ?? null);
        results.push({
          taskRunId: task.id,
          value: event.result ?? null,
          sizeBytes: Buffer.byteLength(json),
          storageKey: null,
          storageId: null,
          cacheKey: event.cache?.key ?? null,
          expiresAt: event.cache?.expiresAt ?? null,
        });
      }
    }
  }

  const updates: ReportPlan["updates"] = [...changed].map((t) => ({
    id: t.id,
    from_state: original.get(t.id),
    to_state: t.state,
    attempts: t.attempts,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    next_attempt_at: t.nextAttemptAt,
    error: t.error,
    changed_at: t.changedAt,
    map_count: t.mapCount ?? null,
    cached_from: t.cachedFrom ?? null,
  }));
  const inserts: ReportPlan["inserts"] = created.map((t) => ({
    id: t.id,
    name: t.name,
    map_index: t.mapIndex,
    position: t.position,
    input_preview: t.inputPreview,
    state: t.state,
    attempts: t.attempts,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    next_attempt_at: t.nextAttemptAt,
    error: t.error,
    changed_at: t.changedAt,
    cached_from: t.cachedFrom ?? null,
  }));
  const chunks = planChunks(run.logLines + 1, [...blocksOfEvents(logEvents), ...bounded.logs]);
  const lineCount = chunks.reduce((sum, c) => sum + c.count, 0);
  const f = flowChange;
  const endedAt = f && isFinalFlowRunState(f.state) ? f.at : null;

  const plan: ReportPlan = {
    flowChange: f,
    startedAt,
    endedAt,
    flowHistory,
    updates,
    inserts,
    taskHistory,
    results,
    chunks,
    lineCount,
    firstEventAt: bounded.events[0]?.at ?? null,
  };
  const written = await writeReportPlan(tx, batch, run, plan);
  return written ? { outcome: "applied", state: flowState } : { outcome: "raced" };
}
