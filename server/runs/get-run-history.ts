// A run's timeline: every state change of the run and of its task runs, in the order they were
// recorded (the state history the state machine writes with each transition) — all of it, or
// what came after a cursor of an earlier read (a follower reads only what is new). The items of
// a mapped task are task runs too: their events carry `item`.
import type { FlowRunHistoryResponse } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { decodeHistoryCursor, encodeHistoryCursor } from "./history-cursor.ts";

export async function getRunHistory(
  db: Db,
  id: string,
  options: { after?: string } = {},
): Promise<FlowRunHistoryResponse> {
  const after = decodeHistoryCursor(options.after);
  const run = isUuid(id)
    ? await db.flowRun.findUnique({ where: { id }, select: { id: true } })
    : null;
  if (!run) throw new NotFoundError("flow run", id);
  const [flowEvents, taskEvents] = await Promise.all([
    db.flowRunStateEvent.findMany({
      where: { flowRunId: id, id: { gt: after.flowEvent } },
      orderBy: { id: "asc" },
    }),
    db.taskRunStateEvent.findMany({
      where: { flowRunId: id, id: { gt: after.taskEvent } },
      orderBy: { id: "asc" },
      include: { taskRun: { select: { name: true, mapIndex: true } } },
    }),
  ]);
  const events = [
    ...flowEvents.map((e) => ({
      task: null,
      item: null,
      from: e.fromState,
      to: e.toState,
      attempt: null,
      message: e.message,
      at: e.at,
    })),
    ...taskEvents.map((e) => ({
      task: e.taskRun.name,
      // A mapped task's items move on their own: each event says which item it is about.
      item: e.taskRun.mapIndex < 0 ? null : e.taskRun.mapIndex,
      from: e.fromState,
      to: e.toState,
      attempt: e.attempt,
      message: e.message,
      error: (e.error as { type: string; message: string } | null) ?? null,
      at: e.at,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const next = encodeHistoryCursor({
    taskEvent: taskEvents.at(-1)?.id ?? after.taskEvent,
    flowEvent: flowEvents.at(-1)?.id ?? after.flowEvent,
  });
  return { events: events.map((e) => ({ ...e, at: e.at.toISOString() })), next };
}
