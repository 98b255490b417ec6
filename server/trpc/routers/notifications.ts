// Notifications in the studio: rules (list, create, update, remove, test) and a rule's delivery
// log with Retry. Thin: server/notifications does the work.
import * as z from "zod";
import {
  DeliveriesQuerySchema,
  NotificationRuleInputSchema,
  NotificationRulePatchSchema,
} from "../../../contract/notifications.ts";
import { listDeliveries, retryDelivery, sendTestMessage } from "../../notifications/deliveries.ts";
import { publicUrl } from "../../notifications/public-url.ts";
import { createRule, deleteRule, listRules, updateRule } from "../../notifications/save-rule.ts";
import { editProcedure, operateProcedure, readProcedure, router } from "../init.ts";

const Id = z.string().max(100);

export const notificationsRouter = router({
  list: readProcedure.query(({ ctx }) => listRules(ctx.db)),

  create: editProcedure
    .input(NotificationRuleInputSchema)
    .mutation(({ ctx, input }) => createRule(ctx.db, input, { actor: ctx.actor })),

  update: editProcedure
    .input(z.object({ id: Id, patch: NotificationRulePatchSchema }))
    .mutation(({ ctx, input }) => updateRule(ctx.db, input.id, input.patch, { actor: ctx.actor })),

  remove: editProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => deleteRule(ctx.db, input.id, { actor: ctx.actor })),

  test: editProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) =>
      sendTestMessage(ctx.db, input.id, { baseUrl: publicUrl(), actor: ctx.actor }),
    ),

  // `cursor` (the previous page's `next`) is what infinite queries page by; they also send a
  // `direction`, so the object is not strict.
  deliveries: readProcedure
    .input(
      z.object({
        ruleId: Id,
        limit: DeliveriesQuerySchema.shape.limit,
        cursor: z.string().max(200).nullish(),
      }),
    )
    .query(({ ctx, input }) =>
      listDeliveries(ctx.db, input.ruleId, {
        limit: input.limit,
        before: input.cursor ?? undefined,
      }),
    ),

  retry: operateProcedure
    .input(z.object({ id: Id }))
    .mutation(({ ctx, input }) => retryDelivery(ctx.db, input.id, { actor: ctx.actor })),
});
