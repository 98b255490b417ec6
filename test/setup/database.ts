// Global setup of the integration tiers: prepares one migrated database image per run, which
// every test file then copies into a fresh database of its own (test/support/database.ts).
// - PostgreSQL: a template database, cloned with CREATE DATABASE … TEMPLATE (~50 ms a file).
// - PGlite: a dump of a migrated data folder, loaded into a new in-memory instance.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { PGlite } from "@electric-sql/pglite";
import { openDatabase, pgliteHandle } from "../../server/db/client.ts";
import { applyMigrations, readMigrations } from "../../server/db/migrate.ts";
import { pgliteStartParams } from "../../server/db/pglite-options.ts";

export default async function setup(project: TestProject) {
  const target = project.config.provide.testDatabase;
  if (!target) throw new Error(`project ${project.name} does not say which database to test`);
  const { kind, adminUrl } = target;
  const migrations = readMigrations(path.resolve(import.meta.dirname, "../../prisma/migrations"));
  const fingerprint = crypto
    .createHash("sha256")
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join("\n"))
    .digest("hex")
    .slice(0, 12);

  if (kind === "pglite") {
    const pglite = await PGlite.create({ startParams: pgliteStartParams() });
    const handle = pgliteHandle(pglite);
    await applyMigrations(handle, migrations);
    const file = path.join(os.tmpdir(), `pipebook-test-${fingerprint}-${process.pid}.tar`);
    const dump = await pglite.dumpDataDir("none");
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await handle.close();
    project.provide("pgliteSnapshot", file);
    return () => fs.rmSync(file, { force: true });
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `the PostgreSQL integration tier needs a server at ${adminUrl} (set PIPEBOOK_TEST_POSTGRES_URL): ${(error as Error).message}`,
    );
  }
  const template = `pipebook_tpl_${fingerprint}`;
  try {
    // Two test runs at once must not both build the template.
    await admin.query("SELECT pg_advisory_lock(72707370)");
    await dropDatabasesOfDeadRuns(admin);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      await admin.query(`CREATE DATABASE "${building}"`);
      const handle = await openDatabase(
        { kind: "postgres", url: withDatabase(adminUrl, building) },
        { poolSize: 1 },
      );
      await applyMigrations(handle, migrations);
      await handle.close();
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock(72707370)").catch(() => undefined);
    await admin.end();
  }
  project.provide("postgresTemplate", template);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Test databases are named pipebook_t_<pid>_…; those of processes that died are dropped. */
async function dropDatabasesOfDeadRuns(admin: pg.Client) {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'pipebook\\_t\\_%'",
  );
  for (const { datname } of rows) {
    const pid = Number(datname.split("_")[2]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

declare module "vitest" {
  // Declaration merging with vitest's own interface needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    testDatabase: { kind: "pglite" | "postgres"; adminUrl: string };
    pgliteSnapshot: string;
    postgresTemplate: string;
  }
}
