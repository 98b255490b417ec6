// A deployment file declares a deployment's schedules; deploying it makes them exactly so. A
// declared schedule that matches a saved one (same rule, anchor, time zone and parameters) keeps
// that row — its planned runs and the slots it already ran stay — and only its on/off state
// follows the file; saved ones the file no longer lists are removed (their waiting runs
// withdrawn), new ones are added. Deploying the same file twice changes nothing.
import { canonicalJson } from "../../contract/content-hash.ts";
import type { ParameterSchema } from "../../contract/flow-file/schema.ts";
import type { ScheduleInput } from "../../contract/schedules.ts";
import type { Tx } from "../db/client.ts";
import type { Actor } from "../audit/actor.ts";
import { isPipebookError, PipebookError } from "../errors.ts";
import { activeColumns, record, scheduleColumns, withdrawUpcomingRuns } from "./save-schedule.ts";

type Identity = {
  cron: string | null;
  interval: string | null;
  anchor: Date | null;
  rrule: string | null;
  timezone: string;
  parameters: unknown;
};

function identity(s: Identity): string {
  const { cron, interval, anchor, rrule, timezone, parameters } = s;
  return canonicalJson({
    cron,
    interval,
    anchor: anchor?.toISOString() ?? null,
    rrule,
    timezone,
    parameters,
  });
}

/** Checks every declared schedule before anything is saved; returns their columns. */
export function checkDeclaredSchedules(
  inputs: readonly ScheduleInput[],
  deployment: { name: string; parameters: unknown; parameterSchema: ParameterSchema },
  now: Date,
) {
  return inputs.map((input, index) => {
    try {
      return scheduleColumns(input, deployment, now);
    } catch (error) {
      // Which of the declared schedules it is, as the file says it.
      if (!isPipebookError(error)) throw error;
      throw new PipebookError(error.code, `schedules[${index}]: ${error.message}`, {
        ...error.details,
        schedule: index,
      });
    }
  });
}

/** Makes the deployment's schedules the declared ones; returns the runs it withdrew. */
export async function syncSchedules(
  tx: Tx,
  deploymentId: string,
  declared: ReturnType<typeof checkDeclaredSchedules>,
  { now, actor }: { now: Date; actor: Actor },
): Promise<string[]> {
  const saved = await tx.schedule.findMany({ where: { deploymentId } });
  const unmatched = new Map(saved.map((row) => [row.id, row]));
  const withdrawn: string[] = [];
  for (const columns of declared) {
    const key = identity(columns);
    const match = [...unmatched.values()].find((row) => identity(row) === key);
    if (!match) {
      const row = await tx.schedule.create({ data: { deploymentId, ...columns } });
      await record(tx, actor, "schedule.create", row);
      continue;
    }
    unmatched.delete(match.id);
    if (match.active === columns.active) continue;
    if (!columns.active) withdrawn.push(...(await withdrawUpcomingRuns(tx, match.id, now)));
    const row = await tx.schedule.update({
      where: { id: match.id },
      data: activeColumns(columns.active, now),
    });
    await record(tx, actor, columns.active ? "schedule.resume" : "schedule.pause", row);
  }
  for (const row of unmatched.values()) {
    withdrawn.push(...(await withdrawUpcomingRuns(tx, row.id, now)));
    await tx.schedule.delete({ where: { id: row.id } });
    await record(tx, actor, "schedule.delete", row);
  }
  return withdrawn;
}
