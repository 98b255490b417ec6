// Completion triggers: when a run ends, the active triggers watching its deployment for that
// end state fire — from the "run-ended" event (at once, on whichever replica hears it) and from
// a sweep over recently ended runs without a firing (after a crash, a lost NOTIFY, a restart).
// Both go through recordFiring, whose unique (trigger, source run) row makes them agree.
import type { Db } from "../db/client.ts";
import { isPipebookError } from "../errors.ts";
import { completionParameters, MappingError, type SourceRun } from "./map-parameters.ts";
import { plannedRun, recordFiring, type FiringTrigger } from "./fire-trigger.ts";

type Candidate = FiringTrigger & { map: Record<string, string>; sourceRunId: string };

/**
 * How far back a sweep looks. Runs end only while a server runs (agents report to it, the lease
 * reaper runs in it), so a firing is missed only if every replica stopped between a run's end
 * and its firing; an hour covers any restart of that.
 */
export const SWEEP_WINDOW_MS = 60 * 60_000;
const SWEEP_BATCH = 200;

async function findCandidates(db: Db, where: { runId: string } | { since: Date }) {
  const runId = "runId" in where ? where.runId : null;
  const since = "since" in where ? where.since : null;
  return db.$queryRaw<Candidate[]>`
    -- A trigger never fires for a run that ended before it existed, or while it was off.
    SELECT t.id, t.name, t."deploymentId", t."parameterMap" AS map, r.id AS "sourceRunId"
    FROM "Trigger" t
    JOIN "FlowRun" r ON r."deploymentId" = t."sourceDeploymentId" AND r.state = ANY(t."onStates")
    WHERE t.kind = 'runCompletion' AND t.active AND r."endedAt" >= t."firesFrom"
      AND (${runId}::uuid IS NULL OR r.id = ${runId}::uuid)
      AND (${since}::timestamptz IS NULL OR r."endedAt" >= ${since}::timestamptz)
      AND NOT EXISTS (SELECT 1 FROM "TriggerFiring" f
                      WHERE f."triggerId" = t.id AND f."sourceRunId" = r.id)
    ORDER BY r."endedAt"
    LIMIT ${SWEEP_BATCH}`;
}

async function sourceRun(db: Db, id: string): Promise<SourceRun> {
  const run = await db.flowRun.findUniqueOrThrow({
    where: { id },
    select: {
      parameters: true,
      taskRuns: {
        where: { mapIndex: -1 },
        select: { name: true, result: { select: { value: true } } },
      },
    },
  });
  const results: Record<string, unknown> = {};
  for (const task of run.taskRuns) if (task.result) results[task.name] = task.result.value;
  return { parameters: run.parameters as Record<string, unknown>, results };
}

async function fire(db: Db, candidate: Candidate) {
  let outcome;
  try {
    const given = Object.keys(candidate.map).length
      ? completionParameters(candidate.map, await sourceRun(db, candidate.sourceRunId))
      : {};
    outcome = { planned: await plannedRun(db, candidate, given) };
  } catch (error) {
    // A mapping or parameters the flow refuses: kept as a failed firing, shown with its trigger.
    if (!(error instanceof MappingError) && !isPipebookError(error)) throw error;
    outcome = { error: error.message };
  }
  return recordFiring(db, candidate, candidate.sourceRunId, outcome);
}

async function fireAll(db: Db, where: { runId: string } | { since: Date }) {
  const created: string[] = [];
  for (const candidate of await findCandidates(db, where)) {
    const fired = await fire(db, candidate);
    if (fired?.runId) created.push(fired.runId);
  }
  return created;
}

/** Fires the triggers watching `runId`'s end; returns the runs created. */
export const fireCompletionTriggers = (db: Db, runId: string): Promise<string[]> =>
  fireAll(db, { runId });

/** Fires every trigger a run that ended since `now - SWEEP_WINDOW_MS` still owes. */
export const sweepCompletionTriggers = (db: Db, now = new Date()): Promise<string[]> =>
  fireAll(db, { since: new Date(now.getTime() - SWEEP_WINDOW_MS) });
