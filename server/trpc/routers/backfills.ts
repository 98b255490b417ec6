// Backfills in the studio. Reads: preview (before saving), list, get, live (a backfill's page as
// it changes). Writes: create, cancel.
import * as z from "zod";
import { BackfillInputSchema, BackfillPreviewRequestSchema } from "../../../contract/backfills.ts";
import { cancelBackfill, createBackfill } from "../../backfills/create-backfill.ts";
import { getBackfill, listBackfills } from "../../backfills/get-backfill.ts";
import { planBackfill, previewOf } from "../../backfills/plan-backfill.ts";
import { watchBackfill } from "../../backfills/watch-backfill.ts";
import { operateProcedure, readProcedure, router } from "../init.ts";

const Id = z.string().max(100);

export const backfillsRouter = router({
  preview: readProcedure
    .input(BackfillPreviewRequestSchema)
    .query(async ({ ctx, input: { deploymentId, ...input } }) =>
      previewOf(await planBackfill(ctx.db, deploymentId, input)),
    ),

  list: readProcedure
    .input(z.object({ deploymentId: Id.optional() }))
    .query(({ ctx, input }) => listBackfills(ctx.db, input)),

  get: readProcedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => getBackfill(ctx.db, input.id)),

  live: readProcedure
    .input(z.object({ id: Id }))
    .subscription(({ ctx, input, signal }) => watchBackfill(ctx.db, input.id, signal)),

  create: operateProcedure
    .input(z.object({ deploymentId: Id, backfill: BackfillInputSchema }))
    .mutation(({ ctx, input }) =>
      createBackfill(ctx.db, input.deploymentId, input.backfill, { actor: ctx.actor }),
    ),

  cancel: operateProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => cancelBackfill(ctx.db, input.id, { actor: ctx.actor })),
});
