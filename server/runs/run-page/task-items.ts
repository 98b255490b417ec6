// A mapped task's items as the run page shows them: how many are in each state (one GROUP BY over
// the run's item rows, for the graph's "×N" node and its counts), and a page of them in item order
// for the virtualised item list. A page is one range of the unique index (flowRunId, name,
// mapIndex): items are numbered 0…N-1 without gaps, so page k of an unfiltered list is
// `mapIndex >= offset` — it costs the same at item 9,900 as at item 0, where OFFSET would walk
// every row before it. Errors are read as type and message only (a traceback can be 256 KB).
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { Prisma } from "../../db/generated/client.ts";
import { NotFoundError } from "../../errors.ts";
import { textArray } from "../state-machine/sql.ts";

/** Items of a mapped task by state; states no item is in are left out. */
export type ItemCounts = Partial<Record<TaskRunState, number>>;

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
};

export type TaskItemsPage = {
  items: TaskItem[];
  /** Items passing the filter (all the task's items without one). */
  total: number;
  offset: number;
};

export const MAX_ITEMS_PAGE = 1_000;

/** Per mapped task (all of the run's, or those named), its items' counts by state. */
export async function itemCounts(
  db: Db,
  runId: string,
  tasks?: readonly string[],
): Promise<Map<string, ItemCounts>> {
  const rows = await db.$queryRaw<{ name: string; state: TaskRunState; n: number }[]>`
    SELECT name, state::text AS state, count(*)::int AS n FROM "TaskRun"
    WHERE "flowRunId" = ${runId}::uuid AND "mapIndex" >= 0
      ${tasks ? Prisma.sql`AND name = ANY(${textArray(tasks)}::text[])` : Prisma.empty}
    GROUP BY name, state`;
  const counts = new Map<string, ItemCounts>();
  for (const row of rows) {
    const task = counts.get(row.name) ?? {};
    task[row.state] = row.n;
    counts.set(row.name, task);
  }
  return counts;
}

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
};

/** Items [offset, offset + limit) of a mapped task in item order, or of those in `state`. */
export async function listTaskItems(
  db: Db,
  runId: string,
  task: string,
  page: { offset: number; limit: number; state?: TaskRunState },
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
  if (page.state) {
    where.push(Prisma.sql`state = ${page.state}::"TaskRunState"`);
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
    })),
    total: n,
    offset: page.offset,
  };
}
