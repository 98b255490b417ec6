// Recent flow runs for lists (the studio's runs page), newest first, by keyset on createdAt.
import { displayFlowRunState, type FlowRunDisplayState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";

export type FlowRunListItem = {
  id: string;
  flow: string;
  /** Null for a notebook cell run without a deployment. */
  deployment: string | null;
  cellTask: string | null;
  state: FlowRunDisplayState;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
};

export async function listFlowRuns(
  db: Db,
  options: { limit: number; before?: Date; flow?: string; lateAfterMs: number },
): Promise<FlowRunListItem[]> {
  const now = new Date();
  const runs = await db.flowRun.findMany({
    where: {
      ...(options.before ? { createdAt: { lt: options.before } } : {}),
      ...(options.flow ? { flow: { name: options.flow } } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: options.limit,
    select: {
      id: true,
      state: true,
      scheduledAt: true,
      createdAt: true,
      startedAt: true,
      endedAt: true,
      flow: { select: { name: true } },
      deployment: { select: { name: true } },
      cellTask: true,
      workQueue: { select: { paused: true } },
    },
  });
  return runs.map((r) => ({
    id: r.id,
    flow: r.flow.name,
    deployment: r.deployment?.name ?? null,
    cellTask: r.cellTask,
    state: displayFlowRunState(r, {
      queuePaused: r.workQueue.paused,
      now,
      lateAfterMs: options.lateAfterMs,
    }),
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
  }));
}
