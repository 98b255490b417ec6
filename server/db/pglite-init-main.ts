// The embedded database's first start, in a short-lived child process (bundled into
// dist/pipebook-pglite-init.mjs; started by server/boot/pglite-first-start.ts).
//
// Creating a PGlite data folder runs initdb inside WebAssembly, and wasm memory never shrinks:
// it peaks at 660–780 MB (measured on Node 20), and a server that did it itself kept that
// resident for good (an existing folder opens in ~130 MB). Here the peak dies with
// this process. It creates the folder, applies the migrations (the same code and bookkeeping
// as the server: server/db/migrate.ts), closes the database cleanly and exits.
//
// Usage: node dist/pipebook-pglite-init.mjs DATA_DIR MIGRATIONS_DIR
// Prints one line per applied migration; exits 1 with the reason on stderr on failure.
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { acquireDataDirLock } from "./data-dir-lock.ts";
import { applyMigrations, readMigrations, type MigrationTarget } from "./migrate.ts";
import { pgliteStartParams } from "./pglite-options.ts";

async function main(dataDir: string, migrationsDir: string): Promise<void> {
  const migrations = readMigrations(migrationsDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    const pglite = await PGlite.create(dataDir, { startParams: pgliteStartParams() });
    try {
      // No Prisma here (it would load its own wasm query compiler for three statements).
      const target: MigrationTarget = {
        withLock: (_key, fn) => fn(),
        executeScript: async (sql) => {
          await pglite.exec(sql);
        },
        prisma: {
          $queryRawUnsafe: async <T>(sql: string, ...values: unknown[]) =>
            (await pglite.query(sql, values)).rows as T,
          $executeRawUnsafe: async (sql: string, ...values: unknown[]) =>
            (await pglite.query(sql, values)).affectedRows ?? 0,
        },
      };
      await applyMigrations(target, migrations, (line) => console.log(line));
    } finally {
      await pglite.close();
    }
  } finally {
    lock.release();
  }
}

const [dataDir, migrationsDir] = process.argv.slice(2);
if (!dataDir || !migrationsDir) {
  console.error("usage: pipebook-pglite-init.mjs DATA_DIR MIGRATIONS_DIR");
  process.exit(2);
}
main(dataDir, migrationsDir).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error)?.message ?? String(error));
    process.exit(1);
  },
);
