// A stored schedule and its rule: the row's columns back into the spec the rules read.
import { ScheduleSpecSchema, type ScheduleView } from "../../contract/schedules.ts";
import { scheduleRule, type ScheduleRule } from "./schedule-rules.ts";

export type ScheduleRow = {
  id: string;
  deploymentId: string;
  cron: string | null;
  interval: string | null;
  anchor: Date | null;
  rrule: string | null;
  timezone: string;
  active: boolean;
  parameters: unknown;
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export function ruleOfRow(row: ScheduleRow): ScheduleRule {
  return scheduleRule(
    ScheduleSpecSchema.parse({
      ...(row.cron !== null ? { cron: row.cron } : {}),
      ...(row.interval !== null ? { interval: row.interval } : {}),
      ...(row.anchor !== null ? { anchor: row.anchor.toISOString() } : {}),
      ...(row.rrule !== null ? { rrule: row.rrule } : {}),
      timezone: row.timezone,
    }),
  );
}

export function scheduleView(row: ScheduleRow): ScheduleView {
  const rule = ruleOfRow(row);
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    cron: row.cron,
    interval: row.interval,
    anchor: row.anchor?.toISOString() ?? null,
    rrule: row.rrule,
    timezone: row.timezone,
    active: row.active,
    parameters: row.parameters as Record<string, unknown>,
    description: rule.description,
    nextRunAt: row.active ? (rule.next(new Date(), 1)[0]?.toISOString() ?? null) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
