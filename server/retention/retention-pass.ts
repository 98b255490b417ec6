// A retention pass: claimed by one server (a guarded update of the settings row, which works alike
// on PGlite and on PostgreSQL with any number of replicas), then batches of deletes
// (delete-batches.ts) until nothing is left or the pass's time is up, then its tally recorded.
import type { Db } from "../db/client.ts";
import { log } from "../log.ts";
import { storeOf } from "../storage/storages.ts";
import { BATCH, deleteOldArtifacts, deleteOldLogs, deleteOldResults } from "./delete-batches.ts";

/** A pass stops after this long; the next one goes on where it stopped. */
const PASS_BUDGET_MS = 5 * 60_000;
/** A pass claimed this long ago and never ended (its server died) may be claimed again. */
const STALE_CLAIM_MINUTES = 15;

export type PassTally = {
  logLinesDeleted: number;
  resultsDeleted: number;
  artifactsDeleted: number;
};

/**
 * Objects of results held in result storage, deleted after their rows. Result storage is another
 * part's (storage blocks, issue 13): it plugs its delete in here. Artifacts have a step of their
 * own (deleteOldArtifacts), their objects deleted in the storage each row names.
 */
export type StoredObjects = { delete(keys: string[]): Promise<void> };
const NO_STORAGE: StoredObjects = { delete: async () => {} };

/**
 * Takes the pass for this server: none is under way, and (unless `force`, the "Run now" of the
 * settings) the last one started at least `everyMs` ago. False when another server has it.
 * Under way is "passEndedAt IS NULL", not a comparison of the two times: those are kept to the
 * millisecond, and on PostgreSQL a pass that found nothing ended within the millisecond of the
 * next claim, so a second concurrent claim saw it ended and took it too (retention.int.test.ts).
 */
export async function claimRetentionPass(
  db: Db,
  options: { everyMs: number; force?: boolean },
): Promise<boolean> {
  const claimed = await db.$executeRaw`
    UPDATE "RetentionSettings" SET "passStartedAt" = now(), "passEndedAt" = NULL, "passError" = NULL
    WHERE id = 1
      AND ("passStartedAt" IS NULL OR "passEndedAt" IS NOT NULL
        OR "passStartedAt" < now() - make_interval(mins => ${STALE_CLAIM_MINUTES}))
      AND (${options.force ?? false}::boolean OR "passStartedAt" IS NULL
        OR "passStartedAt" < now() - ${options.everyMs}::float8 * interval '1 millisecond')`;
  return claimed === 1;
}

/** Runs a claimed pass to its end and records its tally (or its error) on the settings row. */
export async function runRetentionPass(
  db: Db,
  options: { budgetMs?: number; storage?: StoredObjects; signal?: AbortSignal } = {},
): Promise<PassTally> {
  const end = Date.now() + (options.budgetMs ?? PASS_BUDGET_MS);
  // A stopping server ends the pass after the batch under way.
  const goOn = () => Date.now() < end && !options.signal?.aborted;
  const storage = options.storage ?? NO_STORAGE;
  const tally: PassTally = { logLinesDeleted: 0, resultsDeleted: 0, artifactsDeleted: 0 };
  let error: string | null = null;
  try {
    for (let more = true; more && goOn();) {
      const batch = await deleteOldLogs(db);
      tally.logLinesDeleted += batch.lines;
      more = batch.more;
    }
    for (let more = true; more && goOn();) {
      const batch = await deleteOldResults(db);
      tally.resultsDeleted += batch.deleted;
      if (batch.storageKeys.length) await storage.delete(batch.storageKeys);
      more = batch.deleted === BATCH;
    }
    for (let more = true; more && goOn();) {
      const batch = await deleteOldArtifacts(db);
      tally.artifactsDeleted += batch.deleted;
      await deleteObjects(db, batch.objects);
      more = batch.deleted === BATCH;
    }
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    log.error("the retention pass failed; the next one tries again", caught);
  }
  await db.$executeRaw`
    UPDATE "RetentionSettings" SET "passEndedAt" = now(),
      "passLogsDeleted" = ${tally.logLinesDeleted}::int,
      "passResultsDeleted" = ${tally.resultsDeleted}::int,
      "passArtifactsDeleted" = ${tally.artifactsDeleted}::int, "passError" = ${error}::text
    WHERE id = 1`;
  if (tally.logLinesDeleted || tally.resultsDeleted || tally.artifactsDeleted) {
    log.info(
      `retention: deleted ${tally.logLinesDeleted} log line(s), ${tally.resultsDeleted} result(s) and ${tally.artifactsDeleted} artifact(s)`,
    );
  }
  return tally;
}

/** Deleted artifacts' objects, each in its own storage (one request per storage and batch). */
async function deleteObjects(
  db: Db,
  objects: { storageId: string | null; storageKey: string }[],
): Promise<void> {
  const byStorage = new Map<string | null, string[]>();
  for (const o of objects) {
    const keys = byStorage.get(o.storageId);
    if (keys) keys.push(o.storageKey);
    else byStorage.set(o.storageId, [o.storageKey]);
  }
  for (const [storageId, keys] of byStorage) await (await storeOf(db, storageId)).delete(keys);
}
