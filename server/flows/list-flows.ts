// Reading flows for lists (the API's GET /flows and the studio's flows page).
import { displayFlowRunState, type FlowRunDisplayState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";

export type FlowListItem = {
  id: string;
  name: string;
  description: string;
  version: number;
  updatedAt: Date;
  /** The flow's most recent run, for the list's "last run" column. */
  lastRun: { id: string; state: FlowRunDisplayState; createdAt: string } | null;
};

export async function listFlows(db: Db, options: { lateAfterMs: number }): Promise<FlowListItem[]> {
  const now = new Date();
  const flows = await db.flow.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      description: true,
      updatedAt: true,
      versions: { orderBy: { version: "desc" }, take: 1, select: { version: true } },
      flowRuns: {
        orderBy: { createdAt: "desc" },
        take: 1,
        select: {
          id: true,
          state: true,
          scheduledAt: true,
          createdAt: true,
          workQueue: { select: { paused: true } },
        },
      },
    },
  });
  return flows.map((f) => {
    const run = f.flowRuns[0];
    return {
      id: f.id,
      name: f.name,
      description: f.description,
      version: f.versions[0]?.version ?? 0,
      updatedAt: f.updatedAt,
      lastRun: run
        ? {
            id: run.id,
            state: displayFlowRunState(run, {
              queuePaused: run.workQueue.paused,
              now,
              lateAfterMs: options.lateAfterMs,
            }),
            createdAt: run.createdAt.toISOString(),
          }
        : null,
    };
  });
}
