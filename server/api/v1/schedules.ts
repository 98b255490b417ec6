// /api/v1/schedules/preview: the next times a schedule would fire, computed before it is saved.
import {
  SchedulePreviewRequestSchema,
  SchedulePreviewResponseSchema,
} from "../../../contract/schedules.ts";
import { previewSchedule } from "../../schedules/preview-schedule.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const postSchedulePreview = route(
  {
    access: "read",
    body: SchedulePreviewRequestSchema,
    docs: {
      operationId: "previewSchedule",
      summary: "The next times a schedule would fire (nothing is saved)",
      description:
        "Cron and RRULE times are wall-clock times in the schedule's `timezone`; across daylight-saving changes a time that does not exist fires once, shifted forward by the gap, and a time that happens twice fires once, at its first occurrence.",
      tag: "Schedules",
      responses: {
        200: { description: "The next times", schema: SchedulePreviewResponseSchema },
      },
      errors: [],
    },
  },
  async ({ body }) => json(200, previewSchedule(body)),
);
