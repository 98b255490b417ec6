// Configuration of the Prisma CLI, used only when authoring migrations and generating the client.
// The running server never calls the CLI: it applies prisma/migrations itself (server/db/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pipebook_dev",
  },
});
