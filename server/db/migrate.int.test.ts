import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { applyMigrations, readMigrations } from "./migrate.ts";
import path from "node:path";

const migrations = readMigrations(path.resolve(import.meta.dirname, "../../prisma/migrations"));
const test = freshDatabase();

describe("migrations", () => {
  it("are recorded as Prisma records them, and applying again changes nothing", async () => {
    const rows = await test.db.$queryRawUnsafe<{ migration_name: string; checksum: string }[]>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(migrations.map((m) => m.checksum));
    expect(await applyMigrations(test.handle, migrations)).toEqual([]);
  });
});
