// Applies the committed prisma/migrations at start-up, the way `prisma migrate deploy` would —
// same _prisma_migrations table, same checksums — so the Prisma CLI can take over a database
// the server migrated and vice versa. The server never needs the CLI or its native engine.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DatabaseHandle } from "./client.ts";

// Any constant works; it only has to be the same for every replica.
const MIGRATION_LOCK_KEY = 72_707_369;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);`;

export type Migration = { name: string; sql: string; checksum: string };

/**
 * What applying migrations needs of a database: a `DatabaseHandle`, or the bare PGlite of the
 * first-start child (pglite-init-main.ts), which does not load Prisma.
 */
export type MigrationTarget = Pick<DatabaseHandle, "withLock" | "executeScript"> & {
  prisma: {
    $queryRawUnsafe<T>(sql: string, ...values: unknown[]): PromiseLike<T>;
    $executeRawUnsafe(sql: string, ...values: unknown[]): PromiseLike<number>;
  };
};

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`no migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
};

/** Applies what is pending, in name order, each in its own transaction. Returns their names. */
export async function applyMigrations(
  db: MigrationTarget,
  migrations: Migration[],
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  return db.withLock(MIGRATION_LOCK_KEY, async () => {
    await db.executeScript(CREATE_TABLE);
    const rows = await db.prisma.$queryRawUnsafe<AppliedRow[]>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations"`,
    );
    const done = new Map<string, AppliedRow>();
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        throw new MigrationError(
          `migration ${row.migration_name} failed earlier and the database may be half-migrated` +
            (row.logs ? `:\n${row.logs}` : "") +
            `\nRepair the database, then mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name}).`,
        );
      }
      done.set(row.migration_name, row);
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = done.get(migration.name);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          log(`warning: migration ${migration.name} was edited after it was applied`);
        }
        continue;
      }
      log(`applying migration ${migration.name}`);
      await applyOne(db, migration);
      applied.push(migration.name);
    }
    return applied;
  });
}

async function applyOne(db: MigrationTarget, migration: Migration): Promise<void> {
  const id = crypto.randomUUID();
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    id,
    migration.checksum,
    migration.name,
  );
  try {
    // Several statements in one simple query run as one implicit transaction, and DDL is
    // transactional in PostgreSQL: a failing migration leaves nothing half-done.
    await db.executeScript(migration.sql);
  } catch (error) {
    const message = (error as Error).message;
    await db.prisma.$executeRawUnsafe(
      `UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1`,
      id,
      message,
    );
    throw new MigrationError(`migration ${migration.name} failed: ${message}`, { cause: error });
  }
  await db.prisma.$executeRawUnsafe(
    `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
    id,
  );
}
