// A deployment's schedules in the studio. Reads: schedules.preview (the next times, before
// saving), schedules.list. Writes: create, update, setActive (pause/resume), remove.
import * as z from "zod";
import { ScheduleInputSchema, SchedulePreviewRequestSchema } from "../../../contract/schedules.ts";
import { previewSchedule } from "../../schedules/preview-schedule.ts";
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  setScheduleActive,
  updateSchedule,
} from "../../schedules/save-schedule.ts";
import { editProcedure, operateProcedure, readProcedure, router } from "../init.ts";

const Id = z.string().max(100);

export const schedulesRouter = router({
  preview: readProcedure
    .input(SchedulePreviewRequestSchema)
    .query(({ input }) => previewSchedule(input)),

  list: readProcedure
    .input(z.object({ deploymentId: Id }))
    .query(({ ctx, input }) => listSchedules(ctx.db, input.deploymentId)),

  create: editProcedure
    .input(z.object({ deploymentId: Id, schedule: ScheduleInputSchema }))
    .mutation(({ ctx, input }) =>
      createSchedule(ctx.db, input.deploymentId, input.schedule, { actor: ctx.actor }),
    ),

  update: editProcedure
    .input(z.object({ id: Id, schedule: ScheduleInputSchema }))
    .mutation(({ ctx, input }) =>
      updateSchedule(ctx.db, input.id, input.schedule, { actor: ctx.actor }),
    ),

  setActive: operateProcedure
    .input(z.object({ id: Id, active: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setScheduleActive(ctx.db, input.id, input.active, { actor: ctx.actor }),
    ),

  remove: editProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => deleteSchedule(ctx.db, input.id, { actor: ctx.actor })),
});
