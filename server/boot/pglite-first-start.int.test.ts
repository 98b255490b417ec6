// The embedded database's first start in a child process (real child, real initdb, real data
// folder), then opened by the server's own code as a restart would.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../db/client.ts";
import { acquireDataDirLock } from "../db/data-dir-lock.ts";
import { applyMigrations, readMigrations } from "../db/migrate.ts";
import { PGLITE_SETTINGS } from "../db/pglite-options.ts";
import { createPgliteInChild } from "./pglite-first-start.ts";

const root = path.resolve(import.meta.dirname, "../..");
const migrationsDir = path.join(root, "prisma/migrations");
const bundle = path.join(root, "dist/pipebook-pglite-init.mjs");
const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-first-start-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

// PGlite only: the child creates an embedded database (the PostgreSQL tier has nothing to add).
describe.skipIf(inject("testDatabase").kind !== "pglite")(
  "the embedded database's first start",
  () => {
    it("creates and migrates the folder in a child; the server opens it with nothing pending", async () => {
      const dataDir = path.join(home, "db");
      const lines: string[] = [];
      const migrations = readMigrations(migrationsDir);
      const options = { dataDir, migrationsDir, bundle, log: (l: string) => lines.push(l) };

      expect(await createPgliteInChild(options)).toBe("created");
      expect(lines).toEqual(migrations.map((m) => `applying migration ${m.name}`));
      // The child released its lock and closed the database cleanly.
      expect(fs.existsSync(path.join(dataDir, "pipebook.lock"))).toBe(false);

      const handle = await openDatabase({ kind: "pglite", dataDir });
      try {
        const rows = await handle.prisma.$queryRawUnsafe<
          { migration_name: string; checksum: string }[]
        >(
          `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
        );
        expect(rows).toEqual(
          migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum })),
        );
        expect(await applyMigrations(handle, migrations)).toEqual([]);
        // The server's memory settings are in force.
        const [setting] =
          await handle.prisma.$queryRawUnsafe<{ shared_buffers: string }[]>("SHOW shared_buffers");
        expect(setting?.shared_buffers).toBe(PGLITE_SETTINGS.shared_buffers);
      } finally {
        await handle.close();
      }
      // A restart: the folder exists, no child.
      expect(await createPgliteInChild(options)).toBe("exists");
    }, 180_000);

    it("says when the bundle is missing, and reports the child's failure", async () => {
      const log = () => undefined;
      const fresh = path.join(home, "other");
      expect(
        await createPgliteInChild({ dataDir: fresh, migrationsDir, bundle: `${bundle}.gone`, log }),
      ).toBe("no-bundle");
      // Another process (this one) holds the folder: the child refuses it, and says so.
      fs.mkdirSync(fresh);
      const lock = acquireDataDirLock(fresh);
      try {
        await expect(
          createPgliteInChild({ dataDir: fresh, migrationsDir, bundle, log }),
        ).rejects.toThrow(/could not create the embedded database in .*other: .*pid/);
      } finally {
        lock.release();
      }
    }, 60_000);
  },
);
