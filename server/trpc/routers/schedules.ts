// Schedules in the studio. Reads: schedules.preview (the next times, before saving).
import { SchedulePreviewRequestSchema } from "../../../contract/schedules.ts";
import { previewSchedule } from "../../schedules/preview-schedule.ts";
import { readProcedure, router } from "../init.ts";

export const schedulesRouter = router({
  preview: readProcedure
    .input(SchedulePreviewRequestSchema)
    .query(({ input }) => previewSchedule(input)),
});
