// A run's log lines in order, by cursor. `next` is where to read on; it is null only once the
// run has ended and every line was read, so a follower knows when to stop.
import type { LogsResponse } from "../../contract/api-v1.ts";
import { isFinalFlowRunState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";

export async function listFlowRunLogs(
  db: Db,
  id: string,
  page: { after?: string; limit: number },
): Promise<LogsResponse> {
  // The state is read before the lines: agents write a run's last lines before its final
  // state, so a run seen final here has all its lines in.
  const run = isUuid(id)
    ? await db.flowRun.findUnique({ where: { id }, select: { state: true } })
    : null;
  if (!run) throw new NotFoundError("flow run", id);
  const lines = await db.logLine.findMany({
    where: { flowRunId: id, ...(page.after ? { line: { gt: Number(page.after) } } : {}) },
    orderBy: { line: "asc" },
    take: page.limit,
    select: {
      line: true,
      taskName: true,
      attempt: true,
      level: true,
      message: true,
      timestamp: true,
    },
  });
  const last = lines.at(-1)?.line.toString();
  const more = lines.length === page.limit;
  return {
    logs: lines.map((l) => ({
      task: l.taskName,
      attempt: l.attempt,
      level: l.level,
      message: l.message,
      timestamp: l.timestamp.toISOString(),
    })),
    next: more || !isFinalFlowRunState(run.state) ? (last ?? page.after ?? "0") : null,
  };
}
