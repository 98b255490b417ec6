// A fresh database for one test file, of the kind of the tier being run (int-pglite or
// int-postgres), copied from the migrated image that test/setup/database.ts prepared.
import crypto from "node:crypto";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import {
  openDatabase,
  pgliteHandle,
  type DatabaseHandle,
  type Db,
} from "../../server/db/client.ts";
import { pgliteStartParams } from "../../server/db/pglite-options.ts";
import { withDatabase } from "../setup/database.ts";

export async function createTestDatabase(): Promise<DatabaseHandle> {
  const { kind, adminUrl } = inject("testDatabase");
  if (kind === "pglite") {
    const snapshot = fs.readFileSync(inject("pgliteSnapshot"));
    // The server's memory settings, so the tier tests what users run.
    const pglite = await PGlite.create({
      loadDataDir: new Blob([snapshot]),
      startParams: pgliteStartParams(),
    });
    return pgliteHandle(pglite);
  }
  const name = `pipebook_t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${inject("postgresTemplate")}"`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl, name) });
  const close = handle.close;
  return {
    ...handle,
    close: async () => {
      await close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      // The pool's clients finish closing after close() resolves; dropping WITH (FORCE) before
      // they are gone terminates them, and a client being closed reports that as an unhandled
      // error. Wait (briefly) for them to leave first.
      for (let i = 0; i < 40; i++) {
        const { rows } = await cleanup.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
          [name],
        );
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/**
 * Registers a fresh database for the file's tests: opened before them, dropped after them.
 * Read `.handle` (or `.db`, its Prisma client) inside tests and hooks.
 */
export function freshDatabase(): { readonly handle: DatabaseHandle; readonly db: Db } {
  let handle: DatabaseHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });
  const get = () => {
    if (!handle) throw new Error("the test database opens in beforeAll: use it inside tests");
    return handle;
  };
  return {
    get handle() {
      return get();
    },
    get db() {
      return get().prisma;
    },
  };
}

/**
 * Makes the server's process-wide database (server/db/client.ts getDb) this test database, so
 * that whole requests — `dispatch`, tRPC contexts — run against it.
 */
export function serveFrom(test: { readonly handle: DatabaseHandle }): void {
  const holder = globalThis as { [key: symbol]: unknown };
  beforeAll(() => {
    holder[Symbol.for("pipebook.database")] = Promise.resolve(test.handle);
  });
  afterAll(() => {
    delete holder[Symbol.for("pipebook.database")];
  });
}
