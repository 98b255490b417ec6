import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { PipebookError } from "../errors.ts";

export type AgentRow = {
  id: string;
  queues: string[];
  tags: string[];
  stoppedAt: Date | null;
  /** The API key that registered it (null for agents registered before keys were bound). */
  apiKeyId: string | null;
};

// An agent's queues and tags never change after it registers, and each claim and heartbeat
// needs them: remembering them spares a read on the dispatch path. A stop forgets the agent.
const AGENTS = Symbol.for("pipebook.agents");
const MAX_CACHED = 2_000;

function cache(): Map<string, AgentRow> {
  const holder = globalThis as { [AGENTS]?: Map<string, AgentRow> };
  holder[AGENTS] ??= new Map();
  return holder[AGENTS];
}

export function forgetAgent(id: string): void {
  cache().delete(id);
}

/** The registered agent behind a request; an unknown one must register again. */
export async function findAgent(db: Db, id: string): Promise<AgentRow> {
  const agents = cache();
  const cached = agents.get(id);
  if (cached) return cached;
  const agent = isUuid(id)
    ? await db.agent.findUnique({
        where: { id },
        select: { id: true, queues: true, tags: true, stoppedAt: true, apiKeyId: true },
      })
    : null;
  if (!agent) {
    throw new PipebookError(
      "not_found",
      `agent ${JSON.stringify(id)} is not registered: register again (POST /api/v1/agents)`,
    );
  }
  if (agent.stoppedAt) {
    throw new PipebookError(
      "invalid_state",
      `agent ${id} has stopped: register again to claim runs`,
    );
  }
  if (agents.size >= MAX_CACHED) agents.delete(agents.keys().next().value!);
  agents.set(id, agent);
  return agent;
}
