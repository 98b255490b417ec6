// The write of a report batch (report-batch.ts plans it): ONE statement writes it all — the run's
// new state and lease, its history, the log lines, the task runs' new states and history, the
// new items and the results — each part passed as a single JSON parameter. Everything hangs off
// `run`, the fenced update of the run: it matches only if the run is still as the plan read it
// (lease, batch number, state, line count) and each task still in the state the plan moved it
// from, so the statement applies whole or writes nothing. Its last line undoes the whole
// statement should a part fall short of what was planned (pipebook_abort, a migration's
// function) — impossible while the fences hold.
import type { FlowRunState } from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import type { planChunks } from "../logs/chunks.ts";

/** A task run's columns a batch sets, whether it moves the task run or creates it (an item). */
type TaskColumns = {
  id: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
  next_attempt_at: string | null;
  error: unknown;
  changed_at: string | null;
  cached_from: string | null;
};

/** What one report batch changes, checked against the transition table in memory. */
export type ReportPlan = {
  /** The run's last new state in the batch, if any. */
  flowChange: { state: FlowRunState; at: string; message: string | null; error: unknown } | null;
  startedAt: string | null;
  endedAt: string | null;
  flowHistory: { from: string; to: string; message: string | null; at: string }[];
  /** Task runs moved, each with the state it was read in (the fence). */
  updates: (TaskColumns & {
    from_state: string | undefined;
    to_state: string;
    map_count: number | null;
  })[];
  /** Items a `map` event announced. */
  inserts: (TaskColumns & {
    name: string;
    map_index: number;
    position: number;
    input_preview: string | null | undefined;
    state: string;
  })[];
  taskHistory: {
    taskRunId: string;
    from: string;
    to: string;
    attempt: number;
    message: string | null;
    error: unknown;
    at: string;
  }[];
  results: {
    taskRunId: string;
    value: unknown;
    sizeBytes: number;
    storageKey: string | null;
    storageId: string | null;
    cacheKey: string | null;
    expiresAt: string | null;
  }[];
  chunks: ReturnType<typeof planChunks>;
  lineCount: number;
  /** When the batch's first event happened: the creation time of items without their own. */
  firstEventAt: string | null;
};

/**
 * Writes `plan` if the run is still as it was read (`fence`); false when it is not (a lost
 * race: nothing was written).
 */
export async function writeReportPlan(
  tx: Tx,
  batch: { flowRunId: string; leaseId: string; seq: number; leaseMs: number },
  fence: { state: FlowRunState; logLines: number },
  plan: ReportPlan,
): Promise<boolean> {
  const { flowChange: f, updates, inserts } = plan;
  const updatesJson = JSON.stringify(updates);
  const [written] = await tx.$queryRaw<{ run: number }[]>`
    WITH run AS (
      UPDATE "FlowRun" SET
        "reportSeq" = ${batch.seq},
        "logLines" = "logLines" + ${plan.lineCount}::int,
        "leaseExpiresAt" = now() + ${batch.leaseMs}::float8 * interval '1 millisecond',
        state = COALESCE(${f?.state ?? null}::"FlowRunState", state),
        "stateChangedAt" = COALESCE(${f?.at ?? null}::timestamptz, "stateChangedAt"),
        "stateMessage" = CASE WHEN ${f ? 1 : 0}::int = 1 THEN ${f?.message ?? null}::text
          WHEN "unreachableSince" IS NOT NULL THEN NULL ELSE "stateMessage" END,
        -- A report is the agent answering: a run flagged unreachable is its again (re-attached).
        "unreachableSince" = NULL,
        "startedAt" = COALESCE("startedAt", ${plan.startedAt}::timestamptz),
        "endedAt" = COALESCE(${plan.endedAt}::timestamptz, "endedAt"),
        error = COALESCE(${f?.error ? JSON.stringify(f.error) : null}::jsonb, error)
      WHERE id = ${batch.flowRunId}::uuid AND "leaseId" = ${batch.leaseId}::uuid
        AND "reportSeq" = ${batch.seq - 1} AND state = ${fence.state}::"FlowRunState"
        AND "logLines" = ${fence.logLines}::int
        AND NOT EXISTS (SELECT 1 FROM "TaskRun" t, json_to_recordset(${updatesJson}::json) AS v(id uuid, from_state text)
          WHERE t.id = v.id AND t.state::text IS DISTINCT FROM v.from_state)
      RETURNING id
    ), flow_history AS (
      INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "message", "at")
      SELECT run.id, h."from"::"FlowRunState", h."to"::"FlowRunState", h.message, h.at
      FROM run, json_to_recordset(${JSON.stringify(plan.flowHistory)}::json)
        AS h("from" text, "to" text, message text, at timestamptz)
    ), logs AS (
      INSERT INTO "LogChunk" ("flowRunId", "firstLine", "lineCount", "taskName", "mapIndex", attempt, level, "firstAt", messages, offsets, search)
      SELECT run.id, c.first, c.count, c.task, c.item, c.attempt, c.level::"LogLevel", to_timestamp(c.at / 1000.0), c.messages::json, c.offsets::json, c.search
      FROM run, json_to_recordset(${JSON.stringify(plan.chunks)}::json)
        AS c(first int, count int, task text, item int, attempt int, level text, at float8, messages text, offsets text, search text)
    ), tasks AS (
      UPDATE "TaskRun" t SET state = v.to_state::"TaskRunState", attempts = v.attempts,
        "startedAt" = v.started_at, "endedAt" = v.ended_at, "nextAttemptAt" = v.next_attempt_at,
        error = v.error, "stateChangedAt" = v.changed_at, "mapCount" = COALESCE(v.map_count, t."mapCount"),
        "resultFromTaskRunId" = COALESCE(src.id, t."resultFromTaskRunId"),
        "resultFromRunId" = COALESCE(src."flowRunId", t."resultFromRunId")
      FROM run, json_to_recordset(${updatesJson}::json) AS v(id uuid, from_state text,
        to_state text, attempts int, started_at timestamptz, ended_at timestamptz,
        next_attempt_at timestamptz, error jsonb, changed_at timestamptz, map_count int, cached_from uuid)
        LEFT JOIN "TaskRun" src ON src.id = v.cached_from
      WHERE t.id = v.id AND t.state = v.from_state::"TaskRunState"
      RETURNING t.id
    ), items AS (
      INSERT INTO "TaskRun" (id, "flowRunId", name, "mapIndex", position, "inputPreview", state,
        attempts, "startedAt", "endedAt", "nextAttemptAt", error, "stateChangedAt",
        "resultFromTaskRunId", "resultFromRunId")
      SELECT i.id, run.id, i.name, i.map_index, i.position, i.input_preview, i.state::"TaskRunState",
        i.attempts, i.started_at, i.ended_at, i.next_attempt_at, i.error, COALESCE(i.changed_at, ${plan.firstEventAt}::timestamptz, now()),
        src.id, src."flowRunId"
      FROM run, json_to_recordset(${JSON.stringify(inserts)}::json) AS i(id uuid, name text,
        map_index int, position int, input_preview text, state text, attempts int,
        started_at timestamptz, ended_at timestamptz, next_attempt_at timestamptz, error jsonb,
        changed_at timestamptz, cached_from uuid)
        LEFT JOIN "TaskRun" src ON src.id = i.cached_from
      RETURNING id
    ), task_history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", "attempt", "message", "error", "at")
      SELECT run.id, h.task_run_id, h."from"::"TaskRunState", h."to"::"TaskRunState", h.attempt, h.message, h.error, h.at
      FROM run, json_to_recordset(${JSON.stringify(plan.taskHistory.map((h) => ({ ...h, task_run_id: h.taskRunId })))}::json)
        AS h(task_run_id uuid, "from" text, "to" text, attempt int, message text, error jsonb, at timestamptz)
    ), results AS (
      INSERT INTO "Result" ("taskRunId", value, "sizeBytes", "storageKey", "storageId", "cacheKey", "expiresAt")
      SELECT r.task_run_id, r.value, r.size_bytes, r.storage_key, r.storage_id, r.cache_key, r.expires_at
      FROM run, json_to_recordset(${JSON.stringify(plan.results.map((r) => ({ task_run_id: r.taskRunId, value: r.value, size_bytes: r.sizeBytes, storage_key: r.storageKey, storage_id: r.storageId, cache_key: r.cacheKey, expires_at: r.expiresAt })))}::json)
        AS r(task_run_id uuid, value jsonb, size_bytes int, storage_key text, storage_id uuid, cache_key text, expires_at timestamptz)
    )
    SELECT w.run, CASE WHEN w.run = 1 AND (w.tasks <> want.tasks OR w.items <> want.items)
      THEN pipebook_abort(format('report batch of flow run %s wrote %s of %s task runs and %s of %s items',
        ${batch.flowRunId}::text, w.tasks, want.tasks, w.items, want.items)) END AS aborted
    FROM (SELECT (SELECT count(*)::int FROM run) AS run, (SELECT count(*)::int FROM tasks) AS tasks,
      (SELECT count(*)::int FROM items) AS items) w,
      (SELECT ${updates.length}::int AS tasks, ${inserts.length}::int AS items) want`;
  return written?.run === 1;
}
