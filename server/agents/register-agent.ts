// An agent introduces itself: which queues it serves, which tags it carries, how many runs it
// takes at once. Each start of an agent process is a new row (its history stays readable).
import type { RegisterAgentResponse } from "../../contract/agent-protocol.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";

export async function registerAgent(
  db: Db,
  input: {
    name: string;
    hostname: string;
    version: string;
    queues: string[];
    tags: string[];
    concurrency: number;
    /** The key registering it: the only one that may act as this agent afterwards. */
    apiKeyId?: string | null;
  },
  config: Pick<Config["agents"], "leaseMs" | "heartbeatIntervalMs" | "claimWaitMs">,
): Promise<RegisterAgentResponse> {
  const agent = await db.agent.create({
    data: {
      name: input.name,
      hostname: input.hostname,
      version: input.version,
      queues: [...new Set(input.queues)],
      tags: [...new Set(input.tags)],
      concurrency: input.concurrency,
      apiKeyId: input.apiKeyId ?? null,
    },
    select: { id: true },
  });
  return {
    id: agent.id,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    leaseMs: config.leaseMs,
    claimWaitMs: config.claimWaitMs,
  };
}
