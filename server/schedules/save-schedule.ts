// Adding, changing, pausing and removing a deployment's schedules. A schedule starts from now
// (no run for a slot before it existed), and any change withdraws the runs it had created ahead
// of time that no agent has taken yet, so the next step creates them by the new rule.
import type { ScheduleInput, ScheduleView } from "../../contract/schedules.ts";
import type { ParameterSchema } from "../../contract/flow-file/schema.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { runParameters } from "../parameters/check-parameters.ts";
import { announceCancelled, cancelWaitingRuns } from "../runs/cancel-waiting-runs.ts";
import { scheduleRule } from "./schedule-rules.ts";
import { scheduleView } from "./schedule-row.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

/** When the change happens (tests pin it) and who makes it (the audit log names them). */
type ChangeOptions = { now?: Date; actor?: Actor };

/**
 * A schedule's columns, checked: its rule means something, and its parameters over the
 * deployment's defaults make a whole run (nobody gives parameters to a scheduled run).
 */
export function scheduleColumns(
  input: ScheduleInput,
  deployment: { name: string; parameters: unknown; parameterSchema: ParameterSchema },
  now: Date,
) {
  scheduleRule(input);
  runParameters(
    deployment.parameterSchema,
    deployment.parameters,
    input.parameters,
    `for the runs of a schedule of deployment "${deployment.name}"`,
  );
  return {
    cron: input.cron ?? null,
    interval: input.interval ?? null,
    anchor: input.anchor ? new Date(input.anchor) : null,
    rrule: input.rrule ?? null,
    timezone: input.timezone,
    active: input.active,
    parameters: toJson(input.parameters),
    scheduledUntil: now,
    // The next step plans it (its runs within the horizon at once).
    dueAt: input.active ? now : null,
  };
}

async function checkedColumns(db: Db | Tx, deploymentId: string, input: ScheduleInput, now: Date) {
  const deployment = await db.deployment.findUnique({
    where: { id: deploymentId },
    select: { name: true, flowVersionId: true, parameters: true },
  });
  if (!deployment) throw new NotFoundError("deployment", deploymentId);
  const version = await getFlowVersion(db, deployment.flowVersionId);
  return scheduleColumns(input, { ...deployment, parameterSchema: version.spec.parameters }, now);
}

/**
 * Cancels the runs a schedule created ahead of time that are still waiting for their slot. The
 * schedule's row is locked first: a scheduler step holding it (schedule-due-runs.ts) may be
 * creating runs this very moment, and they must be among those withdrawn — read before that step
 * committed, they were not, and a paused schedule kept a run 20 s ahead (seen in CI).
 */
export async function withdrawUpcomingRuns(
  tx: Tx,
  scheduleId: string,
  now: Date,
): Promise<string[]> {
  await tx.$queryRaw`SELECT 1 FROM "Schedule" WHERE id = ${scheduleId}::uuid FOR UPDATE`;
  const upcoming = await tx.flowRun.findMany({
    where: { scheduleId, state: "Scheduled", scheduledAt: { gt: now } },
    select: { id: true },
  });
  const withdrawn = await cancelWaitingRuns(
    tx,
    upcoming.map((r) => r.id),
    "The schedule that created it was changed, paused or removed",
  );
  // They no longer hold their slots: the new rule may create a run for the same time again.
  await tx.flowRun.updateMany({ where: { id: { in: withdrawn } }, data: { scheduleId: null } });
  return withdrawn;
}

export async function listSchedules(db: Db, deploymentId: string): Promise<ScheduleView[]> {
  if (!isUuid(deploymentId)) throw new NotFoundError("deployment", deploymentId);
  const exists = await db.deployment.count({ where: { id: deploymentId } });
  if (!exists) throw new NotFoundError("deployment", deploymentId);
  const rows = await db.schedule.findMany({
    where: { deploymentId },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(scheduleView);
}

export async function createSchedule(
  db: Db,
  deploymentId: string,
  input: ScheduleInput,
  { now = new Date(), actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<ScheduleView> {
  if (!isUuid(deploymentId)) throw new NotFoundError("deployment", deploymentId);
  const data = await checkedColumns(db, deploymentId, input, now);
  const row = await db.$transaction(async (tx) => {
    const row = await tx.schedule.create({ data: { deploymentId, ...data } });
    await record(tx, actor, "schedule.create", row);
    return row;
  });
  return scheduleView(row);
}

export function record(
  tx: Tx,
  actor: Actor,
  action:
    | "schedule.create"
    | "schedule.update"
    | "schedule.pause"
    | "schedule.resume"
    | "schedule.delete",
  row: {
    id: string;
    deploymentId: string;
    cron: string | null;
    interval: string | null;
    rrule: string | null;
  },
) {
  const rule = row.cron ?? row.interval ?? row.rrule;
  return audit(
    tx,
    actor,
    action,
    { type: "schedule", id: row.id, name: rule },
    {
      deploymentId: row.deploymentId,
    },
  );
}

/** Replaces a schedule's rule, parameters and on/off state. */
export async function updateSchedule(
  db: Db,
  id: string,
  input: ScheduleInput,
  { now = new Date(), actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<ScheduleView> {
  const existing = isUuid(id)
    ? await db.schedule.findUnique({ where: { id }, select: { deploymentId: true } })
    : null;
  if (!existing) throw new NotFoundError("schedule", id);
  const data = await checkedColumns(db, existing.deploymentId, input, now);
  const { row, withdrawn } = await db.$transaction(async (tx) => {
    const withdrawn = await withdrawUpcomingRuns(tx, id, now);
    const row = await tx.schedule.update({ where: { id }, data });
    await record(tx, actor, "schedule.update", row);
    return { row, withdrawn };
  });
  announceCancelled(withdrawn);
  return scheduleView(row);
}

/** Turning a schedule on plans it from now (what it missed while off is not caught up). */
export function activeColumns(active: boolean, now: Date) {
  return active ? { active, scheduledUntil: now, dueAt: now } : { active, dueAt: null };
}

/** Pauses (no runs; missed slots are not caught up) or resumes a schedule from now. */
export async function setScheduleActive(
  db: Db,
  id: string,
  active: boolean,
  { now = new Date(), actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<ScheduleView> {
  const existing = isUuid(id) ? await db.schedule.findUnique({ where: { id } }) : null;
  if (!existing) throw new NotFoundError("schedule", id);
  const { row, withdrawn } = await db.$transaction(async (tx) => {
    const withdrawn = active ? [] : await withdrawUpcomingRuns(tx, id, now);
    const row = await tx.schedule.update({
      where: { id },
      data: activeColumns(active, now),
    });
    await record(tx, actor, active ? "schedule.resume" : "schedule.pause", row);
    return { row, withdrawn };
  });
  announceCancelled(withdrawn);
  return scheduleView(row);
}

export async function deleteSchedule(
  db: Db,
  id: string,
  { now = new Date(), actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<void> {
  const exists = isUuid(id) ? await db.schedule.count({ where: { id } }) : 0;
  if (!exists) throw new NotFoundError("schedule", id);
  const withdrawn = await db.$transaction(async (tx) => {
    const runs = await withdrawUpcomingRuns(tx, id, now);
    const row = await tx.schedule.delete({ where: { id } });
    await record(tx, actor, "schedule.delete", row);
    return runs;
  });
  announceCancelled(withdrawn);
}
