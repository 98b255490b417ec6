// GET /api/health: up, the database answers, and whether this replica leads the background
// services (server/leadership/).
import { getDatabase } from "../db/client.ts";
import { leadershipStatus } from "../leadership/status.ts";
import { VERSION } from "../version.ts";
import { HealthResponseSchema } from "../../contract/api-v1.ts";
import { route } from "./handler.ts";
import { json } from "./respond.ts";

export const getHealth = route(
  {
    access: "public",
    docs: {
      operationId: "getHealth",
      summary: "Whether the server is up and its database answers",
      tag: "Server",
      responses: { 200: { description: "Up", schema: HealthResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => {
    await db.$queryRaw`SELECT 1`;
    const { replicaId, leader, since } = leadershipStatus();
    return json(200, {
      status: "ok",
      version: VERSION,
      database: (await getDatabase()).kind,
      replica: { id: replicaId, leader, since: since.toISOString() },
    });
  },
);
