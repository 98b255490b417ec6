// GET /api/v1/agents: the agents as people see them (../v1/agents.ts is what agents call).
import { ListAgentsQuerySchema, ListAgentsResponseSchema } from "../../../contract/api-v1.ts";
import { listAgents } from "../../agents/list-agents.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getAgents = route(
  {
    access: "read",
    query: ListAgentsQuerySchema,
    docs: {
      operationId: "listAgents",
      summary: "List the agents: online or offline, what they serve, the runs they hold",
      description:
        "An agent is online while it has not stopped and was heard from within one lease (PIPEBOOK_LEASE_SECONDS). Agents offline for more than a day are left out unless `all=true`.",
      tag: "Agents",
      responses: {
        200: { description: "The agents, online first", schema: ListAgentsResponseSchema },
      },
      errors: [],
    },
  },
  async ({ db, query, config }) =>
    json(200, await listAgents(db, { leaseMs: config.agents.leaseMs, all: query.all === "true" })),
);
