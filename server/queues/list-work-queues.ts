// The work queues as the queues page, `GET /api/v1/work-queues` and `pipebook work-queue ls` show
// them: settings, how many runs wait (and how many of those are due or Late), how many an agent
// holds, and which online agents serve each queue.
import type { WorkQueueView } from "../../contract/api-v1.ts";
import { lateBefore, UNFINISHED_FLOW_RUN_STATES } from "../../contract/run-states.ts";
import { agentIsOnline } from "../agents/online.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { PipebookError } from "../errors.ts";
import { lateSql } from "../runs/display-state-sql.ts";
import { RUN_IS_DUE } from "../runs/state-machine/index.ts";
import { ACTIVE, stateList } from "../runs/state-machine/sql.ts";

export type QueueViewOptions = { leaseMs: number; lateAfterMs: number };

type Row = {
  name: string;
  description: string;
  priority: number;
  concurrencyLimit: number | null;
  paused: boolean;
  createdAt: Date;
  waiting: number;
  due: number;
  late: number;
  running: number;
};

type OnlineAgent = { id: string; name: string; hostname: string; tags: string[]; queues: string[] };

export async function listWorkQueues(
  db: Db,
  options: QueueViewOptions,
  only?: string,
): Promise<WorkQueueView[]> {
  const [rows, agents] = await Promise.all([
    // Late is displayFlowRunState's rule (contract/run-states.ts), counted here in the database
    // by the runs list's own SQL of it (display-state-sql.ts): a due run past its start by more
    // than lateAfterMs, in a queue that is not paused (a paused queue's runs show Paused).
    db.$queryRaw<Row[]>`
      SELECT q.name, q.description, q.priority, q."concurrencyLimit", q.paused, q."createdAt",
        count(r.id) FILTER (WHERE r.state = 'Scheduled')::int AS waiting,
        count(r.id) FILTER (WHERE ${RUN_IS_DUE})::int AS due,
        count(r.id) FILTER (WHERE ${RUN_IS_DUE} AND NOT q.paused
          AND ${lateSql({ pausedQueueIds: [], lateBefore: lateBefore(new Date(), options.lateAfterMs) })})::int AS late,
        count(r.id) FILTER (WHERE r.state IN ${ACTIVE})::int AS running
      FROM "WorkQueue" q
      LEFT JOIN "FlowRun" r ON r."workQueueId" = q.id
        AND r.state IN ${stateList(UNFINISHED_FLOW_RUN_STATES)}
      ${only === undefined ? Prisma.empty : Prisma.sql`WHERE q.name = ${only}`}
      GROUP BY q.id
      ORDER BY q.priority, q.name`,
    onlineAgents(db, options.leaseMs),
  ]);
  return rows.map((row) => ({
    name: row.name,
    description: row.description,
    priority: row.priority,
    concurrencyLimit: row.concurrencyLimit,
    paused: row.paused,
    waiting: { total: row.waiting, due: row.due, late: row.late },
    running: row.running,
    agents: agents
      .filter((a) => a.queues.includes(row.name))
      .map(({ id, name, hostname, tags }) => ({ id, name, hostname, tags })),
    createdAt: row.createdAt.toISOString(),
  }));
}

export async function getWorkQueue(
  db: Db,
  name: string,
  options: QueueViewOptions,
): Promise<WorkQueueView> {
  const [queue] = await listWorkQueues(db, options, name);
  if (!queue) throw workQueueNotFound(name);
  return queue;
}

export function workQueueNotFound(name: string): PipebookError {
  return new PipebookError(
    "not_found",
    `work queue ${JSON.stringify(name)} was not found: a queue is made by the first deployment to it (the queues: GET /api/v1/work-queues, pipebook work-queue ls)`,
  );
}

/** The agents online now (./agents/online.ts), with the queues they serve. */
export function onlineAgents(db: Db, leaseMs: number): Promise<OnlineAgent[]> {
  return db.$queryRaw<OnlineAgent[]>`
    SELECT a.id::text AS id, a.name, a.hostname, a.tags, a.queues
    FROM "Agent" a WHERE ${agentIsOnline(leaseMs)}
    ORDER BY a."startedAt"`;
}
