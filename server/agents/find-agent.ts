import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { PipebookError } from "../errors.ts";

export type AgentRow = { id: string; queues: string[]; tags: string[]; stoppedAt: Date | null };

/** The registered agent behind a request; an unknown one must register again. */
export async function findAgent(db: Db, id: string): Promise<AgentRow> {
  const agent = isUuid(id)
    ? await db.agent.findUnique({
        where: { id },
        select: { id: true, queues: true, tags: true, stoppedAt: true },
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
  return agent;
}
