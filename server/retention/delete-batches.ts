// The statements of a retention pass, each deleting one bounded batch (BATCH rows at most), so a
// pass never holds long locks nor builds one huge transaction: the oldest data first, whatever
// the limits of each deployment say (a deployment's own limit, else the global one; null keeps).
//
// Measured here (2 cores; the batch test of retention.int.test.ts prints it): 2,500 results in
// three batches took 72 ms on PGlite and 80 ms on PostgreSQL — ~30 ms per batch of 1,000, so a
// pass deletes ~30,000 rows/s and the server serves other work between its batches.
import { Prisma } from "../db/generated/client.ts";
import type { Db } from "../db/client.ts";
import { textArray } from "../runs/state-machine/sql.ts";

export const BATCH = 1_000;

// Only a finished run's data goes: a run in progress (and a Scheduled one, which may be a
// flow-level retry resuming with its completed tasks' results) still needs it.
const FINISHED = Prisma.sql`('Completed','Failed','Cancelled','Crashed')`;

// The number of days that applies to a run: its deployment's own limit, else the global one.
const days = (column: "logsDays" | "resultsDays" | "artifactsDays") =>
  Prisma.sql`COALESCE(d.${Prisma.raw(`"${column}"`)}, g.${Prisma.raw(`"${column}"`)})`;

/**
 * Deletes up to BATCH result rows older than their limit, oldest first — never one that a live
 * cache entry still needs (unexpired, and the newest unexpired one of its key: the one a lookup
 * answers with, server/runs/lookup-cache.ts) nor one of a run that has not finished. Returns how
 * many went and the storage keys of those held in result storage, whose objects go next.
 */
export async function deleteOldResults(
  db: Db,
): Promise<{ deleted: number; storageKeys: string[] }> {
  const rows = await db.$queryRaw<{ storageKey: string | null }[]>`
    WITH g AS (SELECT "resultsDays" FROM "RetentionSettings" WHERE id = 1),
    oldest AS (
      -- The shortest limit in force bounds the index range: nothing younger can go.
      SELECT now() - make_interval(days => LEAST(
        (SELECT "resultsDays" FROM g),
        (SELECT min("resultsDays") FROM "DeploymentRetention"))) AS before
    ),
    doomed AS (
      SELECT r.id FROM "Result" r
      JOIN "TaskRun" t ON t.id = r."taskRunId"
      JOIN "FlowRun" f ON f.id = t."flowRunId"
      LEFT JOIN "DeploymentRetention" d ON d."deploymentId" = f."deploymentId"
      LEFT JOIN g ON true
      WHERE r."createdAt" < (SELECT before FROM oldest)
        AND r."createdAt" < now() - make_interval(days => ${days("resultsDays")})
        AND f.state IN ${FINISHED}
        AND NOT (
          r."cacheKey" IS NOT NULL
          AND (r."expiresAt" IS NULL OR r."expiresAt" > now())
          AND NOT EXISTS (
            SELECT 1 FROM "Result" n
            WHERE n."cacheKey" = r."cacheKey" AND n."createdAt" > r."createdAt"
              AND (n."expiresAt" IS NULL OR n."expiresAt" > now())))
      ORDER BY r."createdAt"
      LIMIT ${BATCH}
    )
    DELETE FROM "Result" r USING doomed WHERE r.id = doomed.id
    RETURNING r."storageKey"`;
  return {
    deleted: rows.length,
    storageKeys: rows.flatMap((r) => (r.storageKey ? [r.storageKey] : [])),
  };
}

/**
 * Deletes up to BATCH log chunks of finished runs that ended longer ago than their limit; a run
 * whose chunks are all gone gets logLines 0 (its log reads as empty, not as missing lines).
 * Returns the log lines deleted, and whether there may be more.
 */
export async function deleteOldLogs(db: Db): Promise<{ lines: number; more: boolean }> {
  return db.$transaction(async (tx) => {
    const runs = await tx.$queryRaw<{ id: string }[]>`
      WITH g AS (SELECT "logsDays" FROM "RetentionSettings" WHERE id = 1)
      SELECT f.id::text AS id FROM "FlowRun" f
      LEFT JOIN "DeploymentRetention" d ON d."deploymentId" = f."deploymentId"
      LEFT JOIN g ON true
      WHERE f."endedAt" < now() - make_interval(days => ${days("logsDays")})
        AND f."logLines" > 0 AND f.state IN ${FINISHED}
      ORDER BY f."endedAt"
      LIMIT ${BATCH}`;
    if (runs.length === 0) return { lines: 0, more: false };
    const ids = runs.map((r) => r.id);
    const [gone] = await tx.$queryRaw<{ chunks: number; lines: number }[]>`
      WITH doomed AS (
        SELECT c."flowRunId", c."firstLine" FROM "LogChunk" c
        WHERE c."flowRunId" = ANY(${textArray(ids)}::uuid[])
        LIMIT ${BATCH}
      ), deleted AS (
        DELETE FROM "LogChunk" c USING doomed
        WHERE c."flowRunId" = doomed."flowRunId" AND c."firstLine" = doomed."firstLine"
        RETURNING c."lineCount"
      )
      SELECT count(*)::int AS chunks, COALESCE(sum("lineCount"), 0)::int AS lines FROM deleted`;
    await tx.$executeRaw`
      UPDATE "FlowRun" f SET "logLines" = 0
      WHERE f.id = ANY(${textArray(ids)}::uuid[])
        AND NOT EXISTS (SELECT 1 FROM "LogChunk" c WHERE c."flowRunId" = f.id)`;
    // More to do when this batch was full: of chunks, or of runs to look at.
    return { lines: gone?.lines ?? 0, more: gone?.chunks === BATCH || runs.length === BATCH };
  });
}

/**
 * Deletes up to BATCH artifact rows of finished runs older than their limit, oldest first, and
 * returns their stored objects (by storage) for the pass to delete next. A row goes before its
 * object: an object left behind by a failed delete is only space, a row without one a broken link.
 */
export async function deleteOldArtifacts(
  db: Db,
): Promise<{ deleted: number; objects: { storageId: string | null; storageKey: string }[] }> {
  const rows = await db.$queryRaw<{ storageId: string | null; storageKey: string }[]>`
    WITH g AS (SELECT "artifactsDays" FROM "RetentionSettings" WHERE id = 1),
    oldest AS (
      SELECT now() - make_interval(days => LEAST(
        (SELECT "artifactsDays" FROM g),
        (SELECT min("artifactsDays") FROM "DeploymentRetention"))) AS before
    ),
    doomed AS (
      SELECT a.id FROM "Artifact" a
      JOIN "FlowRun" f ON f.id = a."flowRunId"
      LEFT JOIN "DeploymentRetention" d ON d."deploymentId" = f."deploymentId"
      LEFT JOIN g ON true
      WHERE a."createdAt" < (SELECT before FROM oldest)
        AND a."createdAt" < now() - make_interval(days => ${days("artifactsDays")})
        AND f.state IN ${FINISHED}
      ORDER BY a."createdAt"
      LIMIT ${BATCH}
    )
    DELETE FROM "Artifact" a USING doomed WHERE a.id = doomed.id
    RETURNING a."storageId"::text AS "storageId", a."storageKey"`;
  return { deleted: rows.length, objects: rows };
}
