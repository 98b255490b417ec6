// The backfill controller: keeps at most `maxInFlight` of a backfill's runs unfinished by
// creating the next ones as earlier ones end, and marks it Completed when every slot's run has
// ended. It runs when a run ends ("run-ended", on every replica) and on each scheduler step.
//
// Safe with several replicas: a top-up holds the backfill's row lock (FOR UPDATE) while it
// counts the unfinished runs, creates the next ones and moves the cursor `created`, so two
// top-ups of one backfill run one after the other and the second sees what the first made. The
// unique index on (backfillId, backfillSlot) refuses a second run for a slot should anything
// else go wrong.
import { UNFINISHED_FLOW_RUN_STATES } from "../../contract/run-states.ts";
import type { Db, Tx } from "../db/client.ts";
import { deploymentForRun, type DeploymentForRun } from "../deployments/deployment-cache.ts";
import { isPipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { log } from "../log.ts";
import { runOfDeployment } from "../runs/create-flow-run.ts";
import { insertScheduledFlowRun } from "../runs/state-machine/index.ts";
import { backfillRunParameters } from "./plan-backfill.ts";

type TopUp = { createdRuns: number; queue: string | null; ended: boolean };

async function topUpLocked(
  tx: Tx,
  deployment: DeploymentForRun,
  id: string,
  now: Date,
): Promise<TopUp> {
  const backfill = await tx.backfill.findUniqueOrThrow({
    where: { id },
    omit: { slots: true, parameterSets: true },
  });
  const active = await tx.flowRun.count({
    where: { backfillId: id, state: { in: [...UNFINISHED_FLOW_RUN_STATES] } },
  });
  const n = Math.min(backfill.maxInFlight - active, backfill.total - backfill.created);
  if (n <= 0) {
    if (active > 0 || backfill.created < backfill.total) {
      return { createdRuns: 0, queue: null, ended: false };
    }
    await tx.backfill.update({ where: { id }, data: { state: "Completed", endedAt: now } });
    return { createdRuns: 0, queue: null, ended: true };
  }
  const version = await getFlowVersion(tx, deployment.flowVersionId);
  const taskNames = version.executable.map((t) => t.name);
  // Only the next n slots (or parameter sets) are read: a top-up costs the same at slot 10,000.
  const [next] = await tx.$queryRaw<{ slots: (Date | string)[] | null; sets: unknown[] | null }[]>`
    SELECT slots[${backfill.created + 1}:${backfill.created + n}] AS slots,
      (SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements("parameterSets") WITH ORDINALITY
        AS t(e, i) WHERE i > ${backfill.created} AND i <= ${backfill.created + n}) AS sets
    FROM "Backfill" WHERE id = ${id}::uuid`;
  const slots = next?.slots ?? [];
  const sets = next?.sets as Record<string, unknown>[] | null;
  for (let k = 0; k < n; k++) {
    const slot = backfill.created + k;
    let parameters: Record<string, unknown>;
    try {
      parameters = await backfillRunParameters(
        tx,
        deployment,
        sets?.[k] ?? (backfill.parameters as Record<string, unknown>),
        `for run ${slot + 1} of backfill ${id}`,
      );
    } catch (error) {
      // The deployment was redeployed with parameters its runs no longer fit: stop, and say why.
      if (!isPipebookError(error)) throw error;
      await tx.backfill.update({
        where: { id },
        data: { state: "Cancelled", endedAt: now, stateMessage: error.message },
      });
      return {
        createdRuns: slot - backfill.created,
        queue: deployment.workQueue.name,
        ended: true,
      };
    }
    const at = slots[k];
    const run = runOfDeployment(deployment, parameters, {
      // new Date(): a timestamptz array arrives as Dates or as text, depending on the driver.
      scheduledAt: at ? new Date(at) : now,
      createdById: backfill.createdById,
      backfillId: id,
      backfillSlot: slot,
    });
    await insertScheduledFlowRun(tx, run, taskNames);
    // Moved as each run is made, so a stop above keeps the runs already made counted.
    await tx.backfill.update({ where: { id }, data: { created: slot + 1 } });
  }
  return { createdRuns: n, queue: deployment.workQueue.name, ended: false };
}

/**
 * Tops up one backfill: creates its next runs while fewer than maxInFlight are unfinished, or
 * completes it. Waits for another replica's top-up of the same backfill (`skipLocked` false) or
 * passes it by (`skipLocked` true: the fallback sweep, which another pass will repeat).
 */
export async function topUpBackfill(
  db: Db,
  id: string,
  { now = new Date(), skipLocked = false } = {},
): Promise<TopUp> {
  const NOTHING: TopUp = { createdRuns: 0, queue: null, ended: false };
  // Read before the transaction: with PGlite's one connection a read outside it would wait for it.
  const row = await db.backfill.findUnique({ where: { id }, select: { deploymentId: true } });
  const deployment = row && (await deploymentForRun(db, row.deploymentId));
  if (!deployment) return NOTHING;
  const result = await db.$transaction(async (tx) => {
    const locked = skipLocked
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Backfill" WHERE id = ${id}::uuid AND state = 'Running'
          FOR UPDATE SKIP LOCKED`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Backfill" WHERE id = ${id}::uuid AND state = 'Running'
          FOR UPDATE`;
    if (!locked.length) return NOTHING;
    return topUpLocked(tx, deployment, id, now);
  });
  // After the commit: agents long-polling the queue take the new runs at once.
  if (result.createdRuns && result.queue) publish("run-queued", result.queue);
  return result;
}

/** The fallback pass: every running backfill, topped up (a lost "run-ended" costs a step). */
export async function topUpRunningBackfills(db: Db, now = new Date()): Promise<number> {
  const running = await db.backfill.findMany({ where: { state: "Running" }, select: { id: true } });
  let created = 0;
  for (const { id } of running) {
    try {
      created += (await topUpBackfill(db, id, { now, skipLocked: true })).createdRuns;
    } catch (error) {
      log.error(`backfill ${id}: could not create its next runs; will try again`, error);
    }
  }
  return created;
}

/** The backfill a run belongs to, if any: what a "run-ended" event tops up. */
export async function backfillOfRun(db: Db, runId: string): Promise<string | null> {
  const run = await db.flowRun.findUnique({ where: { id: runId }, select: { backfillId: true } });
  return run?.backfillId ?? null;
}
