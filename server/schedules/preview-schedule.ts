// The next times a schedule would fire, before anything is saved: what the deploy dialog, the
// deployment page, `pipebook schedule preview` and POST /api/v1/schedules/preview show.
import { DateTime } from "luxon";
import type { SchedulePreview, ScheduleSpec } from "../../contract/schedules.ts";
import { scheduleRule } from "./schedule-rules.ts";

export function previewSchedule(input: {
  schedule: ScheduleSpec;
  after?: string;
  count: number;
}): SchedulePreview {
  const rule = scheduleRule(input.schedule);
  const times = rule.next(input.after ? new Date(input.after) : new Date(), input.count);
  return {
    times: times.map((t) => t.toISOString()),
    local: times.map((t) =>
      DateTime.fromJSDate(t, { zone: rule.timezone }).toISO({ suppressMilliseconds: true })!,
    ),
    timezone: rule.timezone,
    description: rule.description,
  };
}
