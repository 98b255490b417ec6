// GET /api/health: up, and the database answers.
import { getDatabase } from "../db/client.ts";
import { VERSION } from "../version.ts";
import { route } from "./handler.ts";
import { json } from "./respond.ts";

export const getHealth = route({ access: "public" }, async ({ db }) => {
  await db.$queryRaw`SELECT 1`;
  return json(200, { status: "ok", version: VERSION, database: (await getDatabase()).kind });
});
