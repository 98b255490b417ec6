// The runs list (the studio's runs page, GET /api/v1/flow-runs, `pipebook runs`): filtered on
// the server by shown state, flow, deployment, tags and scheduled time; newest first by
// (scheduledAt, id) with a keyset cursor, so pages stay stable while new runs arrive; with the
// count of each shown state under the same filter (its own states left out) for the state chips.
import type {
  FlowRunListItem,
  FlowRunStateCounts,
  ListFlowRunsResponse,
  ReplayKind,
} from "../../contract/api-v1.ts";
import {
  displayStateOf,
  FLOW_RUN_DISPLAY_STATES,
  type FlowRunDisplayState,
  type FlowRunState,
} from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import {
  currentFacts,
  displayStateTerms,
  FACT_DEPENDENT_STATES,
  lateSql,
  pausedSql,
  shownState,
  termSql,
  type FactsSql,
} from "./display-state-sql.ts";
import { decodeRunListCursor, encodeRunListCursor } from "./run-list-cursor.ts";
import { textArray } from "./state-machine/sql.ts";
import { waitingReasons } from "../limits/waiting-reasons.ts";

export type FlowRunFilter = {
  /** Shown states; none or empty: every state. */
  states?: readonly FlowRunDisplayState[];
  /** A flow's name. */
  flow?: string;
  /** A deployment's id, or FLOW/NAME. */
  deployment?: string;
  /** Runs carrying every one of these. */
  tags?: readonly string[];
  /** scheduledAt ≥ from. */
  from?: Date;
  /** scheduledAt < until. */
  until?: Date;
  /** A window ending now ("the last 24 h"), measured when the page is read; with `from`, the later. */
  sinceMs?: number;
};

export const MAX_RUNS_PAGE = 200;

/** The API's page, with the counts left out (null) when they were not asked for. */
export type FlowRunsPage = Omit<ListFlowRunsResponse, "counts"> & {
  counts: FlowRunStateCounts | null;
};

type Row = {
  id: string;
  state: FlowRunState;
  workQueueId: string;
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  tags: string[];
  cellTask: string | null;
  replayKind: ReplayKind | null;
  flow: string;
  version: number;
  deploymentId: string | null;
  deploymentName: string | null;
};

export async function listFlowRuns(
  db: Db,
  filter: FlowRunFilter,
  options: {
    limit: number;
    cursor?: string;
    lateAfterMs: number;
    /** Leave the counts out (later pages of the studio's list, which has them already). */
    counts?: boolean;
    now?: Date;
  },
): Promise<FlowRunsPage> {
  const now = options.now ?? new Date();
  if (filter.sinceMs !== undefined) {
    const since = new Date(now.getTime() - filter.sinceMs);
    filter = { ...filter, from: filter.from && filter.from > since ? filter.from : since };
  }
  const limit = Math.min(Math.max(1, Math.trunc(options.limit)), MAX_RUNS_PAGE);
  const after = options.cursor ? decodeRunListCursor(options.cursor) : undefined;
  const [where, facts] = await Promise.all([
    filterSql(db, filter),
    currentFacts(db, now, options.lateAfterMs),
  ]);

  const onPage = after
    ? [
        ...where,
        Prisma.sql`(r."scheduledAt", r.id) < (${after.scheduledAt}::timestamptz, ${after.id}::uuid)`,
      ]
    : where;
  // Walk an index in the list's order, never collect-then-sort: PGlite has no autovacuum, so
  // no statistics, and the planner, guessing ~80 rows for "Completed after this cursor", read
  // all 86,000 through a bitmap and sorted them (400 ms; the walk reads 101 index entries).
  const [[, , rows], counts] = await Promise.all([
    db.$transaction([
      db.$executeRaw`SET LOCAL enable_sort = off`,
      db.$executeRaw`SET LOCAL enable_bitmapscan = off`,
      db.$queryRaw<Row[]>`
    SELECT r.id, r.state::text AS state, r."workQueueId", r."scheduledAt", r."startedAt",
      r."endedAt", r.tags, r."cellTask", r."replayKind"::text AS "replayKind",
      f.name AS flow, v.version, d.id AS "deploymentId", d.name AS "deploymentName"
    FROM (${pageSql(onPage, filter.states, facts, limit + 1)}) r
    JOIN "Flow" f ON f.id = r."flowId"
    JOIN "FlowVersion" v ON v.id = r."flowVersionId"
    LEFT JOIN "Deployment" d ON d.id = r."deploymentId"
    ORDER BY r."scheduledAt" DESC, r.id DESC`,
    ]),
    options.counts === false ? null : countByState(db, where, facts),
  ]);

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const waiting = await waitingReasons(
    db,
    page.filter((r) => r.state === "Scheduled").map((r) => r.id),
  );
  return {
    runs: page.map((row) => ({
      ...toItem(row, facts, now),
      waitingFor: waiting.get(row.id) ?? null,
    })),
    next: rows.length > limit && last ? encodeRunListCursor(last) : null,
    counts,
  };
}

function toItem(row: Row, facts: FactsSql, now: Date): Omit<FlowRunListItem, "waitingFor"> {
  const state = shownState(row, facts);
  const started = row.startedAt?.getTime();
  return {
    id: row.id,
    state,
    flow: { name: row.flow, version: row.version },
    deployment:
      row.deploymentId && row.deploymentName
        ? { id: row.deploymentId, name: row.deploymentName }
        : null,
    cellTask: row.cellTask,
    tags: row.tags,
    replayKind: row.replayKind,
    scheduledAt: row.scheduledAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    durationMs: started === undefined ? null : (row.endedAt?.getTime() ?? now.getTime()) - started,
  };
}

/**
 * The page's FlowRun rows, cut before anything is joined. With states, one arm per stored state
 * (`state = X`, each read in order from the (state, scheduledAt, id) index and cut at the page
 * size) merged: `state = ANY(…)` would read every run of those states and sort them.
 */
function pageSql(
  where: Prisma.Sql[],
  states: readonly FlowRunDisplayState[] | undefined,
  facts: FactsSql,
  take: number,
): Prisma.Sql {
  const arm = (conditions: Prisma.Sql[]) => Prisma.sql`
    SELECT * FROM "FlowRun" r WHERE ${and(conditions)}
    ORDER BY r."scheduledAt" DESC, r.id DESC LIMIT ${take}::int`;
  if (!states?.length) return arm(where);
  const terms = displayStateTerms(states, facts);
  if (terms.length === 0) return arm([Prisma.sql`FALSE`]);
  if (terms.length === 1) return arm([...where, termSql(terms[0]!)]);
  const arms = terms.map((term) => Prisma.sql`(${arm([...where, termSql(term)])})`);
  return Prisma.sql`
    SELECT * FROM (${Prisma.join(arms, " UNION ALL ")}) r
    ORDER BY r."scheduledAt" DESC, r.id DESC LIMIT ${take}::int`;
}

/**
 * Runs per shown state under the filter's other parts, every state present (0 when none): one
 * count by stored state, and for the states whose shown state depends on the facts (Scheduled),
 * a count by those facts — a small read of the (state, scheduledAt, id) index.
 */
async function countByState(
  db: Db,
  where: Prisma.Sql[],
  facts: FactsSql,
): Promise<FlowRunStateCounts> {
  const counts = Object.fromEntries(FLOW_RUN_DISPLAY_STATES.map((s) => [s, 0])) as Record<
    FlowRunDisplayState,
    number
  >;
  const byState = await db.$queryRaw<{ state: FlowRunState; n: number }[]>`
    SELECT r.state::text AS state, count(*)::int AS n
    FROM "FlowRun" r WHERE ${and(where)} GROUP BY r.state`;
  for (const { state, n } of byState) {
    if (FACT_DEPENDENT_STATES.includes(state)) continue;
    counts[displayStateOf({ state, queuePaused: false, late: false })] += n;
  }
  for (const state of FACT_DEPENDENT_STATES) {
    if (!byState.some((row) => row.state === state)) continue;
    const byFacts = await db.$queryRaw<{ paused: boolean; late: boolean; n: number }[]>`
      SELECT ${pausedSql(facts)} AS paused, ${lateSql(facts)} AS late, count(*)::int AS n
      FROM "FlowRun" r WHERE ${and([...where, termSql({ state, condition: null })])}
      GROUP BY 1, 2`;
    for (const { paused, late, n } of byFacts) {
      counts[displayStateOf({ state, queuePaused: paused, late })] += n;
    }
  }
  return counts;
}

/** The filter's parts other than state, with flow and deployment names resolved to ids. */
async function filterSql(db: Db, filter: FlowRunFilter): Promise<Prisma.Sql[]> {
  const parts: Prisma.Sql[] = [];
  if (filter.flow !== undefined) {
    const flow = await db.flow.findUnique({ where: { name: filter.flow }, select: { id: true } });
    if (!flow) throw new NotFoundError("flow", filter.flow);
    parts.push(Prisma.sql`r."flowId" = ${flow.id}::uuid`);
  }
  if (filter.deployment !== undefined) {
    const id = await resolveDeployment(db, filter.deployment);
    parts.push(Prisma.sql`r."deploymentId" = ${id}::uuid`);
  }
  if (filter.tags?.length) parts.push(Prisma.sql`r.tags @> ${textArray(filter.tags)}::text[]`);
  if (filter.from) parts.push(Prisma.sql`r."scheduledAt" >= ${filter.from}::timestamptz`);
  if (filter.until) parts.push(Prisma.sql`r."scheduledAt" < ${filter.until}::timestamptz`);
  return parts;
}

async function resolveDeployment(db: Db, ref: string): Promise<string> {
  if (isUuid(ref)) {
    const found = await db.deployment.findUnique({ where: { id: ref }, select: { id: true } });
    if (!found) throw new NotFoundError("deployment", ref);
    return found.id;
  }
  const slash = ref.indexOf("/");
  if (slash <= 0) {
    throw new PipebookError(
      "bad_request",
      `the deployment filter "${ref}" is neither a deployment id nor FLOW/NAME (e.g. github-stars/default)`,
    );
  }
  const found = await db.deployment.findFirst({
    where: { name: ref.slice(slash + 1), flow: { name: ref.slice(0, slash) } },
    select: { id: true },
  });
  if (!found) throw new NotFoundError("deployment", ref);
  return found.id;
}

function and(parts: Prisma.Sql[]): Prisma.Sql {
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/** How many runs are shown in any of `states` now, whatever else they are (the dashboard). */
export async function countShownRuns(
  db: Db,
  states: readonly FlowRunDisplayState[],
  facts: FactsSql,
): Promise<number> {
  const terms = displayStateTerms(states, facts).map((t) => Prisma.sql`(${termSql(t)})`);
  if (terms.length === 0) return 0;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "FlowRun" r WHERE ${Prisma.join(terms, " OR ")}`;
  return row?.n ?? 0;
}
