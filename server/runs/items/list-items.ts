// A page of a mapped task's items, for the studio's item list (listTaskItems) and for
// GET /api/v1/flow-runs/{id}/tasks/{task}/items and `pipebook run items` (listItems, which first
// checks the task and says what is wrong). A page is one range of the unique index
// (flowRunId, name, mapIndex): items are numbered 0…N-1 without gaps, so page k of an unfiltered
// list is `mapIndex >= offset` — it costs the same at item 9,900 as at item 0, where OFFSET
// would walk every row before it. Errors are read as type and message only (a traceback can be
// 256 KB; an item's task detail has it).
import type { ListItemsQuery, ListItemsResponse } from "../../../contract/api-v1.ts";
import { closestName } from "../../../contract/closest-name.ts";
import { isMapped } from "../../../contract/flow-file/mapping.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError, PipebookError } from "../../errors.ts";
import { getFlowVersion } from "../../flows/version-cache.ts";
import { textArray } from "../state-machine/sql.ts";

export type TaskItem = {
  index: number;
  state: TaskRunState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  /** While Retrying: when the next attempt starts. */
  nextAttemptAt: string | null;
  /** The item's input, cut to 120 characters (what the agent announced). */
  inputPreview: string | null;
  error: { type: string; message: string } | null;
  /** With `results`: the item's result, and the run it was copied from (a replay's Cached items). */
  result?: unknown;
  resultFrom?: string | null;
};

export type TaskItemsPage = {
  items: TaskItem[];
  /** Items passing the filter (all the task's items without one). */
  total: number;
  offset: number;
};

export const MAX_ITEMS_PAGE = 1_000;

type ItemRow = {
  index: number;
  state: TaskRunState;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
  nextAttemptAt: Date | null;
  inputPreview: string | null;
  errorType: string | null;
  errorMessage: string | null;
  result?: unknown;
  resultFrom?: string | null;
};

/**
 * Items [offset, offset + limit) of a mapped task in item order, or of those in `states`; with
 * `results`, each one's result too (the studio's list reads results per item, when one opens).
 */
export async function listTaskItems(
  db: Db,
  runId: string,
  task: string,
  page: { offset: number; limit: number; states?: readonly TaskRunState[]; results?: boolean },
): Promise<TaskItemsPage> {
  const own = isUuid(runId)
    ? await db.taskRun.findUnique({
        where: { flowRunId_name_mapIndex: { flowRunId: runId, name: task, mapIndex: -1 } },
        select: { mapCount: true },
      })
    : null;
  if (!own) {
    const run = isUuid(runId)
      ? await db.flowRun.findUnique({ where: { id: runId }, select: { id: true } })
      : null;
    if (!run) throw new NotFoundError("flow run", runId);
    throw new NotFoundError(`task of flow run ${runId}:`, task);
  }
  const limit = Math.min(page.limit, MAX_ITEMS_PAGE);
  const where = [
    Prisma.sql`"flowRunId" = ${runId}::uuid`,
    Prisma.sql`name = ${task}`,
    Prisma.sql`"mapIndex" >= 0`,
  ];
  let window = Prisma.sql`LIMIT ${limit}::int OFFSET ${page.offset}::int`;
  let total: Promise<number>;
  if (page.states?.length) {
    where.push(Prisma.sql`state = ANY(${textArray(page.states)}::"TaskRunState"[])`);
    total = db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "TaskRun" WHERE ${Prisma.join(where, " AND ")}`.then(
      (r) => r[0]?.n ?? 0,
    );
  } else {
    // Dense numbering: the page is a range of the index, not a walk past `offset` rows.
    where.push(Prisma.sql`"mapIndex" >= ${page.offset}::int`);
    window = Prisma.sql`LIMIT ${limit}::int`;
    total =
      own.mapCount !== null
        ? Promise.resolve(own.mapCount)
        : db.taskRun.count({ where: { flowRunId: runId, name: task, mapIndex: { gte: 0 } } });
  }
  const [rows, n] = await Promise.all([
    db.$queryRaw<ItemRow[]>`
      SELECT "mapIndex" AS index, state::text AS state, attempts, "startedAt", "endedAt",
        "nextAttemptAt", "inputPreview", error->>'type' AS "errorType",
        error->>'message' AS "errorMessage"
        ${page.results ? Prisma.sql`, (SELECT r.value FROM "Result" r WHERE r."taskRunId" = "TaskRun".id) AS result, "resultFromRunId"::text AS "resultFrom"` : Prisma.empty}
      FROM "TaskRun" WHERE ${Prisma.join(where, " AND ")}
      ORDER BY "mapIndex" ${window}`,
    total,
  ]);
  return {
    items: rows.map((r) => ({
      index: r.index,
      state: r.state,
      attempts: r.attempts,
      startedAt: r.startedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      inputPreview: r.inputPreview,
      error:
        r.errorType !== null || r.errorMessage !== null
          ? { type: r.errorType ?? "Error", message: r.errorMessage ?? "" }
          : null,
      ...(page.results ? { result: r.result ?? null, resultFrom: r.resultFrom ?? null } : {}),
    })),
    total: n,
    offset: page.offset,
  };
}

export async function listItems(
  db: Db,
  runId: string,
  task: string,
  query: ListItemsQuery,
): Promise<ListItemsResponse> {
  const run = isUuid(runId)
    ? await db.flowRun.findUnique({
        where: { id: runId },
        select: {
          flowVersionId: true,
          taskRuns: { where: { name: task, mapIndex: -1 }, select: { id: true } },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", runId);
  const version = await getFlowVersion(db, run.flowVersionId);
  const spec = version.spec.tasks.find((t) => t.name === task);
  if (!spec || run.taskRuns.length === 0) {
    const names = version.spec.tasks.map((t) => t.name);
    const hint = closestName(task, names);
    throw new PipebookError(
      "not_found",
      `flow run ${runId} has no task "${task}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
    );
  }
  if (!isMapped(spec)) {
    const mapped = version.spec.tasks.filter(isMapped).map((t) => t.name);
    throw new PipebookError(
      "not_found",
      `task "${task}" of flow run ${runId} is not mapped, so it has no items${mapped.length ? ` (mapped tasks: ${mapped.join(", ")})` : ""}: read it with GET /api/v1/flow-runs/${runId}/tasks/${task}`,
    );
  }
  const page = await listTaskItems(db, runId, task, {
    offset: query.offset,
    limit: query.limit,
    ...(query.state ? { states: query.state } : {}),
    results: true,
  });
  const end = query.offset + page.items.length;
  return {
    items: page.items.map((item) => ({
      index: item.index,
      state: item.state,
      attempts: item.attempts,
      startedAt: item.startedAt,
      endedAt: item.endedAt,
      input: item.inputPreview,
      result: item.result ?? null,
      error: item.error,
      resultFrom: item.resultFrom ?? null,
    })),
    total: page.total,
    next: page.items.length > 0 && end < page.total ? end : null,
  };
}
