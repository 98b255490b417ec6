import * as z from "zod";
import {
  ConcurrencyLimitValueSchema,
  TagSchema,
  UpdateDeploymentRequestSchema,
} from "../../../contract/api-v1.ts";
import { getDeployment } from "../../deployments/get-deployment.ts";
import { setDeploymentLimit, setDeploymentPaused } from "../../deployments/deployment-settings.ts";
import { listConcurrencyLimits } from "../../limits/list-limits.ts";
import { deleteTagLimit, setTagLimit } from "../../limits/tag-limits.ts";
import { editProcedure, operateProcedure, readProcedure, router } from "../init.ts";

const Tag = z.object({ tag: TagSchema });
const Id = z.object({ id: z.string().max(100) });

/** Tag limits and every limit's slots in use (the Limits section of the work queues page). */
export const limitsRouter = router({
  list: readProcedure.query(({ ctx }) => listConcurrencyLimits(ctx.db)),

  set: editProcedure
    .input(Tag.extend({ limit: ConcurrencyLimitValueSchema }))
    .mutation(async ({ ctx, input }) => {
      await setTagLimit(ctx.db, input.tag, input.limit, ctx.actor);
      return listConcurrencyLimits(ctx.db);
    }),

  remove: editProcedure.input(Tag).mutation(async ({ ctx, input }) => {
    await deleteTagLimit(ctx.db, input.tag, ctx.actor);
    return listConcurrencyLimits(ctx.db);
  }),
});

/** A deployment's pause and concurrency limit (the deployments page). */
export const deploymentSettingsRouter = router({
  pause: operateProcedure.input(Id).mutation(async ({ ctx, input }) => {
    await setDeploymentPaused(ctx.db, input.id, true, ctx.actor);
    return getDeployment(ctx.db, input.id);
  }),

  resume: operateProcedure.input(Id).mutation(async ({ ctx, input }) => {
    await setDeploymentPaused(ctx.db, input.id, false, ctx.actor);
    return getDeployment(ctx.db, input.id);
  }),

  setLimit: editProcedure
    .input(Id.extend(UpdateDeploymentRequestSchema.shape))
    .mutation(async ({ ctx, input }) => {
      await setDeploymentLimit(ctx.db, input.id, input.concurrencyLimit, ctx.actor);
      return getDeployment(ctx.db, input.id);
    }),
});
