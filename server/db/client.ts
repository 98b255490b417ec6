// Opening the database: the embedded PGlite (default) or PostgreSQL (DATABASE_URL), behind one
// Prisma client. The process-wide handle lives on globalThis, because Next.js may evaluate this
// module once per bundle (instrumentation, route handlers, server components) and two PGlite
// instances on one data folder would corrupt it.
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Database } from "../config.ts";
import { getConfig } from "../config.ts";
import { PrismaClient, type Prisma } from "./generated/client.ts";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock.ts";
import { pgliteStartParams } from "./pglite-options.ts";
import { preparedStatements } from "./pglite-prepared.ts";
import { statementName } from "./statement-names.ts";

export type Db = PrismaClient;
/** A client or an open transaction: what functions that write take, so callers can compose. */
export type Tx = Prisma.TransactionClient;

export type DatabaseHandle = {
  kind: Database["kind"];
  prisma: PrismaClient;
  /** Runs SQL text holding several statements (a migration), outside Prisma. */
  executeScript(sql: string): Promise<void>;
  /**
   * Runs `fn` while holding a database-wide lock named by `key`, so that only one server
   * replica does it at a time (a PostgreSQL advisory lock; PGlite has one process anyway).
   */
  withLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: a dedicated connection that LISTENs on `channel` (events between server
   * replicas), and NOTIFY on the shared pool. PGlite lives in one process and needs neither.
   */
  pubsub?: {
    listen(
      channel: string,
      onMessage: (payload: string) => void,
      onError: (error: Error) => void,
    ): Promise<{ close(): Promise<void> }>;
    notify(channel: string, payload: string): Promise<void>;
  };
  close(): Promise<void>;
};

export async function openDatabase(
  database: Database,
  options: { poolSize?: number } = {},
): Promise<DatabaseHandle> {
  return database.kind === "pglite"
    ? openPglite(database.dataDir)
    : openPostgres(database.url, options.poolSize ?? database.poolSize ?? 10);
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith("memory://");
  let lock: DataDirLock | undefined;
  if (!inMemory) {
    fs.mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(inMemory ? undefined : dataDir, {
      startParams: pgliteStartParams(),
    });
  } catch (error) {
    lock?.release();
    throw new Error(`could not open the embedded database in ${dataDir}: ${String(error)}`, {
      cause: error,
    });
  }
  return pgliteHandle(pglite, () => lock?.release());
}

const SINGLE_WRITER = Symbol.for("pipebook.single-writer-databases");

function singleWriters(): WeakSet<object> {
  const holder = globalThis as { [SINGLE_WRITER]?: WeakSet<object> };
  holder[SINGLE_WRITER] ??= new WeakSet();
  return holder[SINGLE_WRITER];
}

/**
 * Whether this process is the only one that can write to the database: true for the embedded
 * PGlite (one process may open it), false for PostgreSQL (replicas share it). Caches of mutable
 * rows are only safe in the first case.
 */
export function isSingleWriter(db: Db): boolean {
  return singleWriters().has(db);
}

/** Wraps an open PGlite instance (tests build theirs from a snapshot of a migrated database). */
export function pgliteHandle(pglite: PGlite, onClose?: () => void): DatabaseHandle {
  // The adapter calls only query, exec and transaction on its client (PgliteQueryClient).
  const client = preparedStatements(pglite) as PGlite;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  singleWriters().add(prisma);
  return {
    kind: "pglite",
    prisma,
    executeScript: async (sql) => {
      await pglite.exec(sql);
    },
    withLock: (_key, fn) => fn(),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
      onClose?.();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Fail at start-up with the server's own words, not at the first request.
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new Error(
      `could not connect to PostgreSQL at ${redact(url)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { statementNameGenerator: statementName }),
  });
  return {
    kind: "postgres",
    prisma,
    executeScript: async (sql) => {
      await pool.query(sql);
    },
    withLock: async (key, fn) => {
      // A connection of its own: holding one of the pool's would starve `fn` of connections.
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [key]);
        try {
          return await fn();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]);
        }
      } finally {
        await client.end();
      }
    },
    pubsub: {
      listen: async (channel, onMessage, onError) => {
        const client = new pg.Client({ connectionString: url });
        client.on("error", onError);
        client.on("notification", (n) => {
          if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
        });
        await client.connect();
        await client.query(`LISTEN ${channel}`);
        return { close: () => client.end() };
      },
      notify: async (channel, payload) => {
        await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
      },
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

const HANDLE = Symbol.for("pipebook.database");
type Holder = { [HANDLE]?: Promise<DatabaseHandle> };

/** The process's database, opened on first use and shared by every bundle of the app. */
export function getDatabase(): Promise<DatabaseHandle> {
  const holder = globalThis as Holder;
  holder[HANDLE] ??= openDatabase(getConfig().database).catch((error: unknown) => {
    delete holder[HANDLE];
    throw error;
  });
  return holder[HANDLE];
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).prisma;
}

/** Closes the process's database (server shutdown). */
export async function closeDatabase(): Promise<void> {
  const holder = globalThis as Holder;
  const handle = holder[HANDLE];
  delete holder[HANDLE];
  if (handle) await (await handle).close();
}
