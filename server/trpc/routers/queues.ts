import * as z from "zod";
import type { Config } from "../../config.ts";
import { getWorkQueue, listWorkQueues } from "../../queues/list-work-queues.ts";
import { setWorkQueuePaused } from "../../queues/pause-work-queue.ts";
import { UpdateWorkQueueRequestSchema } from "../../../contract/api-v1.ts";
import { previewWorkQueue } from "../../queues/preview-work-queue.ts";
import { updateWorkQueue } from "../../queues/update-work-queue.ts";
import { editProcedure, operateProcedure, readProcedure, router } from "../init.ts";

const Name = z.object({ name: z.string().min(1).max(100) });

const viewOptions = (config: Config) => ({
  leaseMs: config.agents.leaseMs,
  lateAfterMs: config.lateAfterMs,
});

export const queuesRouter = router({
  list: readProcedure.query(({ ctx }) => listWorkQueues(ctx.db, viewOptions(ctx.config))),

  /** The runs agents take next from the queue, in claim order (then the upcoming ones). */
  preview: readProcedure
    .input(Name.extend({ limit: z.int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) =>
      previewWorkQueue(ctx.db, input.name, { ...viewOptions(ctx.config), limit: input.limit }),
    ),

  pause: operateProcedure.input(Name).mutation(async ({ ctx, input }) => {
    await setWorkQueuePaused(ctx.db, input.name, true, ctx.actor);
    return getWorkQueue(ctx.db, input.name, viewOptions(ctx.config));
  }),

  resume: operateProcedure.input(Name).mutation(async ({ ctx, input }) => {
    await setWorkQueuePaused(ctx.db, input.name, false, ctx.actor);
    return getWorkQueue(ctx.db, input.name, viewOptions(ctx.config));
  }),

  /** Description, priority, concurrency limit (null removes it). */
  update: editProcedure
    .input(Name.extend({ change: UpdateWorkQueueRequestSchema }))
    .mutation(async ({ ctx, input }) => {
      await updateWorkQueue(ctx.db, input.name, input.change, ctx.actor);
      return getWorkQueue(ctx.db, input.name, viewOptions(ctx.config));
    }),
});
