// One task of a run, as its panel on the run page (and GET /api/v1/flow-runs/{id}/tasks/{task})
// shows it: its settings and code as they were in the run's version, every attempt with its
// full error and traceback, and its result — whole, or previewed when large (result-preview.ts).
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError, PipebookError } from "../../errors.ts";
import { getFlowVersion } from "../../flows/version-cache.ts";
import type { CacheOrigin } from "../../../contract/api-v1.ts";
import { CACHE_ORIGIN_SELECT, toCacheOrigin } from "../cache-origin.ts";
import { previewResult, type ResultPreview } from "./result-preview.ts";
import {
  MAX_PARSED_STORED_BYTES,
  readStoredHead,
  readStoredValue,
} from "../../storage/read-stored.ts";
import { taskAttempts, type Attempt, type TaskMoment } from "./task-attempts.ts";

export type TaskDetail = {
  name: string;
  state: TaskRunState;
  /** The task as the run's flow version defines it (source code, not compiled). */
  spec: Task;
  attempts: Attempt[];
  moments: TaskMoment[];
  error: unknown;
  nextAttemptAt: string | null;
  resultFrom: string | null;
  /** For a task Cached by its cache policy: the task run whose result it reused. */
  cachedFrom: CacheOrigin | null;
  result: ResultPreview;
};

async function findTaskRun(db: Db, runId: string, task: string, item?: number) {
  const row = isUuid(runId)
    ? await db.taskRun.findUnique({
        where: { flowRunId_name_mapIndex: { flowRunId: runId, name: task, mapIndex: item ?? -1 } },
        select: {
          id: true,
          name: true,
          state: true,
          error: true,
          nextAttemptAt: true,
          resultFromRunId: true,
          ...CACHE_ORIGIN_SELECT,
          flowRun: { select: { flowVersionId: true } },
        },
      })
    : null;
  if (!row) {
    const run = isUuid(runId)
      ? await db.flowRun.findUnique({ where: { id: runId }, select: { id: true } })
      : null;
    if (!run) throw new NotFoundError("flow run", runId);
    if (item !== undefined) {
      const own = await db.taskRun.findUnique({
        where: { flowRunId_name_mapIndex: { flowRunId: runId, name: task, mapIndex: -1 } },
        select: { mapCount: true },
      });
      if (own) {
        throw new PipebookError(
          "not_found",
          own.mapCount === null
            ? `task "${task}" of flow run ${runId} has no items (it is not mapped, or has not started)`
            : `task "${task}" of flow run ${runId} has no item ${item}: its items are 0 to ${own.mapCount - 1}`,
        );
      }
    }
    throw new NotFoundError(`task of flow run ${runId}:`, task);
  }
  return row;
}

/** `item`: one item of a mapped task (its own attempts, error and result). */
export async function getTaskDetail(
  db: Db,
  runId: string,
  task: string,
  item?: number,
): Promise<TaskDetail> {
  const row = await findTaskRun(db, runId, task, item);
  const [events, result, version] = await Promise.all([
    db.taskRunStateEvent.findMany({
      where: { taskRunId: row.id },
      orderBy: { id: "asc" },
      select: { toState: true, attempt: true, at: true, message: true, error: true },
    }),
    db.result.findUnique({
      where: { taskRunId: row.id },
      select: { value: true, sizeBytes: true, storageKey: true, storageId: true },
    }),
    getFlowVersion(db, row.flowRun.flowVersionId),
  ]);
  const spec = version.spec.tasks.find((t) => t.name === task);
  if (!spec) throw new NotFoundError(`task of flow ${version.flow} v${version.version}:`, task);
  const { attempts, moments } = taskAttempts(events.map((e) => ({ ...e, to: e.toState })));
  return {
    name: row.name,
    state: row.state,
    spec,
    attempts,
    moments,
    error: row.error,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    resultFrom: row.resultFromRunId,
    cachedFrom: toCacheOrigin(row.resultFromTaskRun),
    result: result ? await previewOf(db, result) : { kind: "none" },
  };
}

type ResultRow = {
  value: unknown;
  sizeBytes: number;
  storageKey: string | null;
  storageId: string | null;
};

/** A stored result is read from its storage: as a tree up to 16 MB, past that its first 64 KB. */
async function previewOf(db: Db, row: ResultRow): Promise<ResultPreview> {
  if (!row.storageKey) return previewResult(row.value, row.sizeBytes);
  const ref = { storageId: row.storageId, storageKey: row.storageKey, sizeBytes: row.sizeBytes };
  if (row.sizeBytes <= MAX_PARSED_STORED_BYTES) {
    return previewResult(await readStoredValue(db, ref), row.sizeBytes);
  }
  return { kind: "text", head: await readStoredHead(db, ref), sizeBytes: row.sizeBytes };
}

/** A task's whole result (the panel's "load the whole value"): a stored one read and parsed. */
export async function getTaskResult(
  db: Db,
  runId: string,
  task: string,
  item?: number,
): Promise<{ value: unknown; sizeBytes: number } | null> {
  const row = await getTaskResultRow(db, runId, task, item);
  if (!row?.storageKey) return row;
  const ref = { storageId: row.storageId, storageKey: row.storageKey, sizeBytes: row.sizeBytes };
  return { value: await readStoredValue(db, ref), sizeBytes: row.sizeBytes };
}

/** A task's result row: the value, or where it is stored (the API streams that). */
export async function getTaskResultRow(
  db: Db,
  runId: string,
  task: string,
  item?: number,
): Promise<ResultRow | null> {
  const row = await findTaskRun(db, runId, task, item);
  return db.result.findUnique({
    where: { taskRunId: row.id },
    select: { value: true, sizeBytes: true, storageKey: true, storageId: true },
  });
}
