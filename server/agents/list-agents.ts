// The agents as the agents page, `GET /api/v1/agents` and `pipebook agent ls` show them: each
// registered agent (every start of an agent process registers anew) with whether it is online
// (./online.ts), its last heartbeat, what it serves and the runs it holds now.
import type { AgentView, ListAgentsResponse } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { ACTIVE_FLOW_RUN_STATES } from "../../contract/run-states.ts";
import { agentIsOnline } from "./online.ts";

/** Agents offline for longer than this are hidden unless all are asked for. */
export const HIDE_OFFLINE_AFTER_MS = 24 * 60 * 60 * 1000;
// Each agent start is a row, so a long-lived server gathers many; a list past this many would
// be history, not an overview.
const MAX_LISTED = 500;

type Row = {
  id: string;
  name: string;
  hostname: string;
  version: string;
  queues: string[];
  tags: string[];
  concurrency: number;
  startedAt: Date;
  lastSeenAt: Date;
  stoppedAt: Date | null;
  online: boolean;
  now: Date;
};

export async function listAgents(
  db: Db,
  options: { leaseMs: number; all?: boolean },
): Promise<ListAgentsResponse> {
  const online = agentIsOnline(options.leaseMs);
  // Offline since it stopped, or since it was last heard from.
  const recent = options.all
    ? Prisma.empty
    : Prisma.sql`WHERE ${online} OR COALESCE(a."stoppedAt", a."lastSeenAt")
        > now() - ${HIDE_OFFLINE_AFTER_MS}::float8 * interval '1 millisecond'`;
  const rows = await db.$queryRaw<Row[]>`
    SELECT a.id::text AS id, a.name, a.hostname, a.version, a.queues, a.tags, a.concurrency,
      a."startedAt", a."lastSeenAt", a."stoppedAt", ${online} AS online, now() AS now
    FROM "Agent" a ${recent}
    ORDER BY ${online} DESC, a."lastSeenAt" DESC, a.id
    LIMIT ${MAX_LISTED}::int`;

  const runs = rows.length
    ? await db.flowRun.findMany({
        where: {
          agentId: { in: rows.map((r) => r.id) },
          state: { in: [...ACTIVE_FLOW_RUN_STATES] },
        },
        orderBy: [{ startedAt: "asc" }, { createdAt: "asc" }],
        select: {
          id: true,
          agentId: true,
          state: true,
          startedAt: true,
          flow: { select: { name: true } },
          deployment: { select: { name: true } },
        },
      })
    : [];

  const agents = rows.map((a): AgentView => ({
    id: a.id,
    name: a.name,
    state: a.online ? "online" : "offline",
    hostname: a.hostname,
    version: a.version,
    queues: a.queues,
    tags: a.tags,
    concurrency: a.concurrency,
    startedAt: a.startedAt.toISOString(),
    lastSeenAt: a.lastSeenAt.toISOString(),
    stoppedAt: a.stoppedAt?.toISOString() ?? null,
    runs: runs
      .filter((r) => r.agentId === a.id)
      .map((r) => ({
        id: r.id,
        state: r.state,
        flow: r.flow.name,
        deployment: r.deployment?.name ?? null,
        startedAt: r.startedAt?.toISOString() ?? null,
      })),
  }));
  const [first] = rows;
  return { agents, now: (first?.now ?? new Date()).toISOString() };
}
