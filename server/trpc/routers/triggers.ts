// A deployment's triggers in the studio. Reads: list, firings. Writes (editors): create (a
// webhook's URL is in the answer, once), update (name, on/off, map, states), rotate, remove.
import * as z from "zod";
import { TriggerInputSchema, TriggerPatchSchema } from "../../../contract/triggers.ts";
import { listFirings } from "../../triggers/list-firings.ts";
import {
  createTrigger,
  deleteTrigger,
  listTriggers,
  rotateTrigger,
  updateTrigger,
} from "../../triggers/save-trigger.ts";
import { editProcedure, readProcedure, router } from "../init.ts";

const Id = z.string().max(100);

export const triggersRouter = router({
  list: readProcedure
    .input(z.object({ deploymentId: Id }))
    .query(({ ctx, input }) => listTriggers(ctx.db, input.deploymentId)),

  firings: readProcedure
    .input(z.object({ id: Id }))
    .query(({ ctx, input }) => listFirings(ctx.db, input.id)),

  create: editProcedure
    .input(z.object({ deploymentId: Id, trigger: TriggerInputSchema }))
    .mutation(({ ctx, input }) =>
      createTrigger(ctx.db, input.deploymentId, input.trigger, { actor: ctx.actor }),
    ),

  update: editProcedure
    .input(z.object({ id: Id, patch: TriggerPatchSchema }))
    .mutation(({ ctx, input }) =>
      updateTrigger(ctx.db, input.id, input.patch, { actor: ctx.actor }),
    ),

  rotate: editProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => rotateTrigger(ctx.db, input.id, { actor: ctx.actor })),

  remove: editProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => deleteTrigger(ctx.db, input.id, { actor: ctx.actor })),
});
