// GET /api/health: up, and the database answers.
import { getDatabase } from "../db/client.ts";
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
    return json(200, { status: "ok", version: VERSION, database: (await getDatabase()).kind });
  },
);
