// One scheduler step: every schedule due within the horizon gets the runs of its slots, each
// exactly once. Safe with several replicas: a schedule's row is locked (SKIP LOCKED) for the
// step that handles it, its runs and its new watermark are one transaction, and the unique
// index on (scheduleId, scheduledAt) refuses a second run for a slot should anything else fail.
import type { Db, Tx } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { log } from "../log.ts";
import { runParameters } from "../parameters/check-parameters.ts";
import { runOfDeployment } from "../runs/create-flow-run.ts";
import { insertScheduledFlowRun } from "../runs/state-machine/index.ts";
import { planSlots } from "./plan-slots.ts";
import { ruleOfRow, type ScheduleRow } from "./schedule-row.ts";

/** Schedules handled per transaction: bounds a step's lock time when many are due at once. */
const BATCH = 200;

export type CreatedRun = { id: string; queue: string; scheduledAt: Date };

const DUE_SCHEDULE = {
  include: {
    deployment: {
      select: {
        id: true,
        name: true,
        flowId: true,
        flowVersionId: true,
        workQueueId: true,
        workQueue: { select: { name: true } },
        tags: true,
        parameters: true,
        retries: true,
        catchup: true,
        catchupMax: true,
        paused: true,
      },
    },
  },
} as const;
type DueSchedule = Prisma.ScheduleGetPayload<typeof DUE_SCHEDULE>;

async function scheduleOne(tx: Tx, schedule: DueSchedule, now: Date): Promise<CreatedRun[]> {
  const { id } = schedule;
  const { deployment } = schedule;
  const rule = ruleOfRow(schedule as ScheduleRow);
  const plan = planSlots(rule, { scheduledUntil: schedule.scheduledUntil, ...deployment }, now);
  const created: CreatedRun[] = [];
  // A paused deployment's slots pass without runs, up to now: resumed, it is not caught up on
  // them (pausing means "do not run these"), and its slots still to come get their runs.
  const paused = deployment.paused;
  if (plan.slots.length && !paused) {
    const version = await getFlowVersion(tx, deployment.flowVersionId);
    let parameters: Record<string, unknown> | null = null;
    try {
      parameters = runParameters(
        version.spec.parameters,
        deployment.parameters,
        schedule.parameters,
        `for the runs of a schedule of deployment "${deployment.name}"`,
      );
    } catch (error) {
      // The deployment changed under the schedule: its slots pass without runs until fixed.
      log.warn(`schedule ${schedule.id}: no run created: ${(error as Error).message}`);
    }
    const runs = parameters
      ? plan.slots.map((slot) =>
          runOfDeployment(deployment, parameters, { scheduledAt: slot, scheduleId: schedule.id }),
        )
      : [];
    for (const run of runs) {
      const { id: runId } = await insertScheduledFlowRun(
        tx,
        run,
        version.executable.map((t) => t.name),
      );
      created.push({ id: runId, queue: deployment.workQueue.name, scheduledAt: run.scheduledAt });
    }
  }
  await tx.schedule.update({
    where: { id },
    data: {
      scheduledUntil: paused ? now : plan.until,
      dueAt: plan.dueAt,
    },
  });
  return created;
}

/** Creates the runs of every schedule due by `now`; returns them. */
export async function scheduleDueRuns(db: Db, now = new Date()): Promise<CreatedRun[]> {
  const created: CreatedRun[] = [];
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Schedule"
        WHERE "dueAt" <= ${now}::timestamptz AND active
        ORDER BY "dueAt"
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED`;
      // One read for the whole batch: with 1,000 due at once, a read each cost ~1 s on PGlite.
      const rows = await tx.schedule.findMany({
        where: { id: { in: due.map((d) => d.id) } },
        ...DUE_SCHEDULE,
      });
      const runs: CreatedRun[] = [];
      for (const row of rows) runs.push(...(await scheduleOne(tx, row, now)));
      return { due: due.length, runs };
    });
    created.push(...batch.runs);
    if (batch.due < BATCH) return created;
  }
}
