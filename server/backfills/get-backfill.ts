// What the API, the CLI and the studio show of backfills: each with its progress (runs by
// state, how many not created yet) and, for one, its runs by slot.
import type { BackfillCounts, BackfillDetail, BackfillView } from "../../contract/backfills.ts";
import {
  FLOW_RUN_STATES,
  UNFINISHED_FLOW_RUN_STATES,
  type FlowRunState,
} from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";

/** The newest this many of a deployment's backfills are listed. */
const LIST_LIMIT = 100;

// The slots and parameter sets (up to 10,000 each) are the controller's, never shown whole.
const ROW = {
  omit: { slots: true, parameterSets: true },
  include: {
    deployment: { select: { name: true, flow: { select: { name: true } } } },
    createdBy: { select: { name: true } },
  },
} as const;
type Row = Prisma.BackfillGetPayload<typeof ROW>;

function countsOf(row: Row, byState: Partial<Record<FlowRunState, number>>): BackfillCounts {
  const all = Object.fromEntries(FLOW_RUN_STATES.map((s) => [s, byState[s] ?? 0])) as Record<
    FlowRunState,
    number
  >;
  return {
    notCreated: row.total - row.created,
    active: UNFINISHED_FLOW_RUN_STATES.reduce((n, s) => n + all[s], 0),
    byState: all,
  };
}

function describe(row: Row): string {
  if (row.rangeFrom === null) return `${row.total} parameter set${row.total === 1 ? "" : "s"}`;
  // "2026-11-01 00:00": minutes are what slots are told apart by, mostly.
  const short = (at: Date | null) => at?.toISOString().slice(0, 16).replace("T", " ");
  const range = `${short(row.rangeFrom)} to ${short(row.rangeTo)} UTC`;
  return `${row.total} slot${row.total === 1 ? "" : "s"} from ${range}`;
}

function viewOf(row: Row, byState: Partial<Record<FlowRunState, number>>): BackfillView {
  const counts = countsOf(row, byState);
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    deployment: `${row.deployment.flow.name}/${row.deployment.name}`,
    scheduleId: row.scheduleId,
    from: row.rangeFrom?.toISOString() ?? null,
    to: row.rangeTo?.toISOString() ?? null,
    description: describe(row),
    maxInFlight: row.maxInFlight,
    state: row.state,
    stateMessage: row.stateMessage,
    total: row.total,
    ended: row.created - counts.active,
    counts,
    createdBy: row.createdBy?.name ?? null,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

async function countsByBackfill(db: Db, ids: string[]) {
  const groups = await db.flowRun.groupBy({
    by: ["backfillId", "state"],
    where: { backfillId: { in: ids } },
    _count: { _all: true },
  });
  const out = new Map<string, Partial<Record<FlowRunState, number>>>();
  for (const g of groups) {
    const counts = out.get(g.backfillId!) ?? {};
    counts[g.state] = g._count._all;
    out.set(g.backfillId!, counts);
  }
  return out;
}

async function rowOf(db: Db, id: string): Promise<Row> {
  const row = isUuid(id) ? await db.backfill.findUnique({ where: { id }, ...ROW }) : null;
  if (!row) throw new NotFoundError("backfill", id);
  return row;
}

export async function getBackfillView(db: Db, id: string): Promise<BackfillView> {
  const row = await rowOf(db, id);
  return viewOf(row, (await countsByBackfill(db, [id])).get(id) ?? {});
}

export async function getBackfill(db: Db, id: string): Promise<BackfillDetail> {
  const row = await rowOf(db, id);
  const runs = await db.flowRun.findMany({
    where: { backfillId: id },
    orderBy: { backfillSlot: "asc" },
    select: {
      id: true,
      backfillSlot: true,
      scheduledAt: true,
      state: true,
      startedAt: true,
      endedAt: true,
    },
  });
  const byState: Partial<Record<FlowRunState, number>> = {};
  for (const r of runs) byState[r.state] = (byState[r.state] ?? 0) + 1;
  return {
    ...viewOf(row, byState),
    runs: runs.map((r) => ({
      id: r.id,
      slot: r.backfillSlot!,
      scheduledAt: r.scheduledAt.toISOString(),
      state: r.state,
      startedAt: r.startedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
    })),
  };
}

export async function listBackfills(
  db: Db,
  filter: { deploymentId?: string },
): Promise<BackfillView[]> {
  if (filter.deploymentId !== undefined && !isUuid(filter.deploymentId)) return [];
  const rows = await db.backfill.findMany({
    where: filter.deploymentId ? { deploymentId: filter.deploymentId } : {},
    orderBy: { createdAt: "desc" },
    take: LIST_LIMIT,
    ...ROW,
  });
  const counts = await countsByBackfill(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => viewOf(r, counts.get(r.id) ?? {}));
}
