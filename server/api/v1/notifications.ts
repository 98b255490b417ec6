// /api/v1 notifications: rules (list, add, change, remove, send a test message), a rule's
// delivery log, and retrying a delivery. Reading is for everyone signed in (URLs are shown
// masked); rules are managed by editors; retrying a delivery is an operator's job.
import * as z from "zod";
import {
  DeliveriesQuerySchema,
  ListDeliveriesResponseSchema,
  ListNotificationRulesResponseSchema,
  NotificationDeliverySchema,
  NotificationRuleInputSchema,
  NotificationRulePatchSchema,
  NotificationRuleSchema,
} from "../../../contract/notifications.ts";
import { listDeliveries, retryDelivery, sendTestMessage } from "../../notifications/deliveries.ts";
import { publicUrl } from "../../notifications/public-url.ts";
import { createRule, deleteRule, listRules, updateRule } from "../../notifications/save-rule.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const RuleParams = z.object({ id: z.string().describe("The notification rule's id") });
const DeliveryParams = z.object({ id: z.string().describe("The delivery's id") });
const tag = "Notifications" as const;
const rule = (description: string) => ({ description, schema: NotificationRuleSchema });
const delivery = (description: string) => ({ description, schema: NotificationDeliverySchema });

export const getNotificationRules = route(
  {
    access: "read",
    docs: {
      operationId: "listNotificationRules",
      summary: "Every notification rule (webhook URLs masked)",
      tag,
      responses: {
        200: { description: "The rules", schema: ListNotificationRulesResponseSchema },
      },
      errors: [],
    },
  },
  async ({ db }) => json(200, { rules: await listRules(db) }),
);

export const postNotificationRule = route(
  {
    access: "edit",
    body: NotificationRuleInputSchema,
    docs: {
      operationId: "createNotificationRule",
      summary: "Add a rule: POST a message to a webhook when runs fail, crash, complete…",
      description:
        "Scope: `deploymentId`, or `tag`, or neither (every deployment's run). The message is JSON with a Slack-compatible `text`; it is retried with backoff (1 s, 2 s, 4 s … up to 5 min) for a day while the receiver is down.",
      tag,
      responses: { 201: rule("The rule") },
      errors: [],
    },
  },
  async ({ db, body, actor }) => json(201, await createRule(db, body, { actor })),
);

export const patchNotificationRule = route(
  {
    access: "edit",
    params: RuleParams,
    body: NotificationRulePatchSchema,
    docs: {
      operationId: "updateNotificationRule",
      summary: "Change a rule: the fields given replace its own (null clears a scope)",
      tag,
      responses: { 200: rule("The rule") },
      errors: [404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(200, await updateRule(db, params.id, body, { actor })),
);

export const deleteNotificationRule = route(
  {
    access: "edit",
    params: RuleParams,
    docs: {
      operationId: "deleteNotificationRule",
      summary: "Remove a rule and its delivery log",
      tag,
      responses: { 204: { description: "Removed" } },
      errors: [404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteRule(db, params.id, { actor });
    return new Response(null, { status: 204 });
  },
);

export const postNotificationRuleTest = route(
  {
    access: "edit",
    params: RuleParams,
    docs: {
      operationId: "testNotificationRule",
      summary: "Send a test message to the rule's webhook now",
      description:
        "The delivery is in the rule's log like any other (retried while the receiver is down).",
      tag,
      responses: { 202: delivery("The test message's delivery") },
      errors: [404],
    },
  },
  async ({ db, params, actor }) =>
    json(202, await sendTestMessage(db, params.id, { baseUrl: publicUrl(), actor })),
);

export const getNotificationRuleDeliveries = route(
  {
    access: "read",
    params: RuleParams,
    query: DeliveriesQuerySchema,
    docs: {
      operationId: "listNotificationDeliveries",
      summary: "A rule's delivery log, newest first: status, attempts, last error and HTTP status",
      tag,
      responses: { 200: { description: "The deliveries", schema: ListDeliveriesResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, params, query }) => json(200, await listDeliveries(db, params.id, query)),
);

export const postRetryNotificationDelivery = route(
  {
    access: "operate",
    params: DeliveryParams,
    docs: {
      operationId: "retryNotificationDelivery",
      summary: "Send a failed (or waiting) delivery again now",
      tag,
      responses: { 202: delivery("The delivery, pending") },
      errors: [404, 409],
    },
  },
  async ({ db, params, actor }) => json(202, await retryDelivery(db, params.id, { actor })),
);
