// The studio's run page: the run's header, and per task what the graph, the timeline and the task
// list draw — state, attempts as time spans, settings, the last error's first line. Results and
// full tracebacks are read per task when its panel opens (get-task-detail.ts): a run of 2,000
// tasks stays one small read. `getRunChanges` reads only what changed after a cursor (the
// state-history rows are numbered, and a run's rows are written under its row lock, so they
// commit in order): the live subscription sends those.
//
// A mapped task is one entry with its items' counts by state (`map`), not 10,000 entries: a
// change to any item re-sends its task with counts read again by one GROUP BY (task-items.ts),
// and the item list reads its rows in pages when its panel is open.
import type { Language } from "../../../contract/flow-file/schema.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError } from "../../errors.ts";
import { getFlowVersion } from "../../flows/version-cache.ts";
import {
  RUN_HEADER_SELECT,
  toRunHeader,
  type RunHeader,
  type RunViewOptions,
} from "../run-header.ts";
import { decodeHistoryCursor, encodeHistoryCursor } from "../history-cursor.ts";
import { taskAttempts, type Attempt, type TaskMoment } from "./task-attempts.ts";
import { itemCounts, type ItemCounts } from "../items/item-counts.ts";

export type ErrorSummary = { type: string; message: string };

export type RunPageTask = {
  name: string;
  language: Language;
  dependsOn: string[];
  retries: number;
  timeoutSeconds: number | null;
  state: TaskRunState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  /** While Retrying: when the next attempt starts. */
  nextAttemptAt: string | null;
  /** The last error's type and message (the panel reads the traceback). */
  error: ErrorSummary | null;
  resultFrom: string | null;
  timeline: { attempts: Attempt[]; moments: TaskMoment[] };
  /** For a mapped task: its items, once known, and how many are in each state. */
  map: MapSummary | null;
};

export type MapSummary = {
  /** What it is mapped over, as the flow file names it. */
  over: string[];
  concurrency: number | null;
  failure: "fail" | "continue";
  /** Items, once its lists were known (null before the task started). */
  count: number | null;
  states: ItemCounts;
};

export type RunPageView = {
  header: RunHeader;
  tasks: RunPageTask[];
  /** Pass to getRunChanges (the subscription) to receive what changes after this read. */
  cursor: string;
  /** The server's clock when read: the timeline's "now" line corrects the browser's by it. */
  serverTime: string;
};

export type RunChanges = {
  header: RunHeader;
  /** The tasks whose state changed since the cursor, whole. */
  tasks: RunPageTask[];
  cursor: string;
  serverTime: string;
};

type TaskRow = {
  id: string;
  name: string;
  state: TaskRunState;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
  nextAttemptAt: Date | null;
  error: unknown;
  resultFromRunId: string | null;
  mapCount: number | null;
};

type EventRow = {
  taskRunId: string;
  toState: TaskRunState;
  attempt: number;
  at: Date;
  message: string | null;
  error: unknown;
};

const TASK_SELECT = {
  id: true,
  name: true,
  state: true,
  attempts: true,
  startedAt: true,
  endedAt: true,
  nextAttemptAt: true,
  error: true,
  resultFromRunId: true,
  mapCount: true,
} as const;

const EVENT_SELECT = {
  taskRunId: true,
  toState: true,
  attempt: true,
  at: true,
  message: true,
  error: true,
} as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An error's type and message only: tracebacks can be 256 KB each. */
export function errorSummary(error: unknown): ErrorSummary | null {
  if (!error || typeof error !== "object") return null;
  const { type, message } = error as { type?: unknown; message?: unknown };
  return { type: String(type ?? "Error"), message: String(message ?? "") };
}

async function readHeader(db: Db, id: string, options: RunViewOptions) {
  const run = isUuid(id)
    ? await db.flowRun.findUnique({ where: { id }, select: RUN_HEADER_SELECT })
    : null;
  if (!run) throw new NotFoundError("flow run", id);
  return { row: run, header: await toRunHeader(db, run, options) };
}

async function lastEventIds(db: Db, id: string) {
  // Read before the run itself (see getRunPage): an id that is no UUID would fail the cast.
  if (!isUuid(id)) throw new NotFoundError("flow run", id);
  const [row] = await db.$queryRaw<{ task: bigint | null; flow: bigint | null }[]>`
    SELECT (SELECT max(id) FROM "TaskRunStateEvent" WHERE "flowRunId" = ${id}::uuid) AS task,
           (SELECT max(id) FROM "FlowRunStateEvent" WHERE "flowRunId" = ${id}::uuid) AS flow`;
  return { task: row?.task ?? 0n, flow: row?.flow ?? 0n };
}

async function buildTasks(
  db: Db,
  flowVersionId: string,
  rows: TaskRow[],
  events: EventRow[],
  counts: ReadonlyMap<string, ItemCounts>,
): Promise<RunPageTask[]> {
  const version = await getFlowVersion(db, flowVersionId);
  const specs = new Map(version.spec.tasks.map((t) => [t.name, t]));
  const byTask = new Map<string, EventRow[]>();
  for (const e of events) {
    const list = byTask.get(e.taskRunId);
    if (list) list.push(e);
    else byTask.set(e.taskRunId, [e]);
  }
  return rows.map((t) => {
    const spec = specs.get(t.name);
    const timeline = taskAttempts(
      (byTask.get(t.id) ?? []).map((e) => ({
        to: e.toState,
        attempt: e.attempt,
        at: e.at,
        message: e.message,
        error: errorSummary(e.error),
      })),
    );
    return {
      name: t.name,
      language: spec?.language ?? "python",
      dependsOn: spec?.dependsOn ?? [],
      retries: spec?.retries ?? 0,
      timeoutSeconds: spec?.timeoutSeconds ?? null,
      state: t.state,
      attempts: t.attempts,
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      nextAttemptAt: iso(t.nextAttemptAt),
      error: errorSummary(t.error),
      resultFrom: t.resultFromRunId,
      timeline,
      map:
        spec?.map === undefined
          ? null
          : {
              over: typeof spec.map === "string" ? [spec.map] : [...spec.map],
              concurrency: spec.mapConcurrency ?? null,
              failure: spec.mapFailure ?? "fail",
              count: t.mapCount,
              states: counts.get(t.name) ?? {},
            },
    };
  });
}

export async function getRunPage(
  db: Db,
  id: string,
  options: RunViewOptions,
): Promise<RunPageView> {
  // The cursor is read first: whatever changes while the rest is read comes again as a change.
  const last = await lastEventIds(db, id);
  const { row, header } = await readHeader(db, id, options);
  const tasks = await db.taskRun.findMany({
    where: { flowRunId: id, mapIndex: -1 },
    orderBy: { position: "asc" },
    select: TASK_SELECT,
  });
  // By the tasks' own rows (their index), not the run's: a run of 10,000 items has ~30,000
  // history rows of items, which the page does not draw.
  const [events, counts] = await Promise.all([
    db.taskRunStateEvent.findMany({
      where: { taskRunId: { in: tasks.map((t) => t.id) }, id: { lte: last.task } },
      orderBy: { id: "asc" },
      select: EVENT_SELECT,
    }),
    tasks.some((t) => t.mapCount !== null) ? itemCounts(db, id) : new Map<string, ItemCounts>(),
  ]);
  return {
    header,
    tasks: await buildTasks(db, row.flowVersionId, tasks, events, counts),
    cursor: encodeHistoryCursor({ taskEvent: last.task, flowEvent: last.flow }),
    serverTime: new Date().toISOString(),
  };
}

const countsOf = (db: Db, id: string, tasks: string[]) =>
  tasks.length ? itemCounts(db, id, tasks) : Promise.resolve(new Map<string, ItemCounts>());

/** What changed after `cursor`: the header (always) and the tasks with new state history. */
export async function getRunChanges(
  db: Db,
  id: string,
  cursor: string,
  options: RunViewOptions,
): Promise<RunChanges> {
  const after = decodeHistoryCursor(cursor);
  const last = await lastEventIds(db, id);
  const { row, header } = await readHeader(db, id, options);
  let tasks: RunPageTask[] = [];
  if (last.task > after.taskEvent) {
    // The tasks with new history: by their own rows, or by any of their items (a mapped task is
    // sent again with its items' counts, never its items).
    const touched = await db.$queryRaw<{ name: string; mapped: boolean }[]>`
      SELECT t.name, bool_or(t."mapIndex" >= 0) AS mapped
      FROM "TaskRunStateEvent" e JOIN "TaskRun" t ON t.id = e."taskRunId"
      WHERE e."flowRunId" = ${id}::uuid AND e.id > ${after.taskEvent} AND e.id <= ${last.task}
      GROUP BY t.name`;
    const rows = await db.taskRun.findMany({
      where: { flowRunId: id, mapIndex: -1, name: { in: touched.map((t) => t.name) } },
      orderBy: { position: "asc" },
      select: TASK_SELECT,
    });
    const mapped = touched.filter((t) => t.mapped).map((t) => t.name);
    const [events, counts] = await Promise.all([
      db.taskRunStateEvent.findMany({
        where: { taskRunId: { in: rows.map((r) => r.id) }, id: { lte: last.task } },
        orderBy: { id: "asc" },
        select: EVENT_SELECT,
      }),
      // Tasks whose own row changed keep the counts they had only if no item changed: read the
      // counts of every mapped task touched (its own row's change may be its items' end).
      countsOf(db, id, [
        ...new Set([...mapped, ...rows.filter((r) => r.mapCount !== null).map((r) => r.name)]),
      ]),
    ]);
    tasks = await buildTasks(db, row.flowVersionId, rows, events, counts);
  }
  return {
    header,
    tasks,
    cursor: encodeHistoryCursor({ taskEvent: last.task, flowEvent: last.flow }),
    serverTime: new Date().toISOString(),
  };
}
