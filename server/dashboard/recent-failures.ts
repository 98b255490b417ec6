// The home dashboard's recent failures: the newest Failed or Crashed runs, each with the task
// that failed and the first line of its error (or, when no task failed — the agent vanished —
// the run's own error).
import type { FlowRunListItem } from "../../contract/api-v1.ts";
import { FAILED_FLOW_RUN_STATES } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { listFlowRuns } from "../runs/list-flow-runs.ts";

export type RecentFailure = {
  run: FlowRunListItem;
  /** The failing task; null when the run failed as a whole. */
  task: string | null;
  /** The first line of the error: "ValueError: bad row 12". */
  error: string | null;
};

type ErrorJson = { type?: unknown; message?: unknown } | null;

/** "Type: first line of the message", or whichever of the two there is. */
export function errorLine(error: unknown): string | null {
  const e = error as ErrorJson;
  if (!e || typeof e !== "object") return null;
  const message = typeof e.message === "string" ? (e.message.split("\n")[0] ?? "").trim() : "";
  const type = typeof e.type === "string" ? e.type : "";
  if (type && message) return message.startsWith(type) ? message : `${type}: ${message}`;
  return message || type || null;
}

export async function recentFailures(
  db: Db,
  options: { lateAfterMs: number; limit?: number },
): Promise<RecentFailure[]> {
  const { runs } = await listFlowRuns(
    db,
    { states: [...FAILED_FLOW_RUN_STATES] },
    { limit: options.limit ?? 8, lateAfterMs: options.lateAfterMs, counts: false },
  );
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.id);
  const [tasks, own] = await Promise.all([
    // The first task (in the flow's order) that failed for good: NotRun tasks only followed it.
    db.taskRun.findMany({
      where: { flowRunId: { in: ids }, mapIndex: -1, state: { in: ["Failed", "Crashed"] } },
      orderBy: [{ flowRunId: "asc" }, { position: "asc" }],
      select: { flowRunId: true, name: true, error: true },
    }),
    db.flowRun.findMany({
      where: { id: { in: ids } },
      select: { id: true, error: true, stateMessage: true },
    }),
  ]);
  return runs.map((run) => {
    const task = tasks.find((t) => t.flowRunId === run.id);
    const self = own.find((r) => r.id === run.id);
    return {
      run,
      task: task?.name ?? null,
      error:
        (task ? errorLine(task.error) : null) ??
        errorLine(self?.error) ??
        self?.stateMessage ??
        null,
    };
  });
}
