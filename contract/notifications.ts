// Notification rules and their deliveries, as the API, the CLI and the studio exchange them. A rule
// posts a JSON message (with a Slack-compatible `text`) to a webhook URL when runs in its scope
// end in one of its events, or run longer than N minutes (server/notifications/).
import * as z from "zod";
import { isoTime, TagSchema } from "./api-v1/common.ts";

export const NOTIFICATION_EVENTS = [
  "failed",
  "crashed",
  "completed",
  "cancelled",
  "longRunning",
] as const;
export const NotificationEventSchema = z.enum(NOTIFICATION_EVENTS);
export type NotificationEvent = z.infer<typeof NotificationEventSchema>;

/** A delivery's event: a rule's, or `test` for a "Send test" message. */
export const DeliveryEventSchema = z.enum([...NOTIFICATION_EVENTS, "test"]);
export type DeliveryEvent = z.infer<typeof DeliveryEventSchema>;

export const DELIVERY_STATUSES = ["pending", "delivering", "delivered", "failed"] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** A week: longer is a typo (and a run that long is better watched otherwise). */
export const MAX_LONGER_THAN_MINUTES = 7 * 24 * 60;

const URL_HINT = 'write an http:// or https:// URL, e.g. "https://hooks.slack.com/services/…"';

/** Why `text` is not a webhook URL the server may post to, or null when it is one. */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}" is not a URL: ${URL_HINT}`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `${url.protocol.slice(0, -1)} URLs cannot receive notifications: ${URL_HINT}`;
  }
  if (!url.hostname) return `the URL has no host: ${URL_HINT}`;
  return null;
}

export const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1, `the webhook URL is empty: ${URL_HINT}`)
  .max(2000, "the webhook URL is longer than 2000 characters")
  .superRefine((text, ctx) => {
    const problem = webhookUrlProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe("where the message is POSTed (http or https)");

// A path segment this long, of letters and digits mixed, is a token (Slack's
// /services/T…/B…/<24 characters>, Discord's /webhooks/<id>/<68 characters>).
const TOKEN_SEGMENT = /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_-]{20,}$/;
const MASK = "***";

/**
 * The URL as shown to people: a password, query values and token-like path segments become ***.
 * The server keeps the whole URL; nothing shows it back (an editor replaces it whole).
 */
export function maskWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return MASK;
  }
  if (url.password) url.password = MASK;
  const query = [...url.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=${MASK}`);
  const path = url.pathname
    .split("/")
    .map((segment) => (TOKEN_SEGMENT.test(segment) ? MASK : segment))
    .join("/");
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ""}@` : "";
  return `${url.protocol}//${auth}${url.host}${path}${query.length ? `?${query.join("&")}` : ""}`;
}

const ruleFields = {
  name: z.string().trim().min(1, "the rule needs a name").max(100),
  deploymentId: z
    .uuid("deploymentId must be a deployment's id (see GET /api/v1/deployments)")
    .nullable()
    .optional()
    .describe("only runs of this deployment (give this or tag, or neither for every run)"),
  tag: TagSchema.nullable().optional().describe("only runs of deployments carrying this tag"),
  events: z
    .array(NotificationEventSchema)
    .min(1, `give at least one event: ${NOTIFICATION_EVENTS.join(", ")}`)
    .max(NOTIFICATION_EVENTS.length)
    .describe("what to notify about"),
  longerThanMinutes: z
    .int("longerThanMinutes is a whole number of minutes")
    .min(1, "longerThanMinutes is at least 1")
    .max(
      MAX_LONGER_THAN_MINUTES,
      `longerThanMinutes is at most ${MAX_LONGER_THAN_MINUTES} (a week)`,
    )
    .nullable()
    .optional()
    .describe("with the longRunning event: notify once a run has run this long"),
  url: WebhookUrlSchema,
  active: z.boolean().default(true).describe("false: kept, but sends nothing"),
};

type RuleFields = {
  deploymentId?: string | null;
  tag?: string | null;
  events?: readonly NotificationEvent[];
  longerThanMinutes?: number | null;
};

/** The rules a whole rule must keep (also after a change: server/notifications/save-rule.ts). */
export function checkRule(rule: RuleFields, ctx: z.RefinementCtx): void {
  if (rule.deploymentId && rule.tag) {
    ctx.addIssue({
      code: "custom",
      path: ["tag"],
      message: "give deploymentId or tag, not both (neither: every run)",
    });
  }
  const events = rule.events ?? [];
  if (new Set(events).size !== events.length) {
    ctx.addIssue({ code: "custom", path: ["events"], message: "an event is listed twice" });
  }
  const long = events.includes("longRunning");
  if (long && !rule.longerThanMinutes) {
    ctx.addIssue({
      code: "custom",
      path: ["longerThanMinutes"],
      message: "the longRunning event needs longerThanMinutes (e.g. 30)",
    });
  }
  if (!long && rule.longerThanMinutes) {
    ctx.addIssue({
      code: "custom",
      path: ["events"],
      message: 'longerThanMinutes applies to the "longRunning" event: add it to events',
    });
  }
}

export const NotificationRuleInputSchema = z
  .strictObject(ruleFields)
  .superRefine(checkRule)
  .meta({ id: "NotificationRuleInput" });
export type NotificationRuleInput = z.output<typeof NotificationRuleInputSchema>;

/** A change: the fields given replace the rule's (null clears a scope or longerThanMinutes). */
export const NotificationRulePatchSchema = z
  .strictObject({
    name: ruleFields.name.optional(),
    deploymentId: ruleFields.deploymentId,
    tag: ruleFields.tag,
    events: ruleFields.events.optional(),
    longerThanMinutes: ruleFields.longerThanMinutes,
    url: WebhookUrlSchema.optional(),
    active: z.boolean().optional(),
  })
  .meta({ id: "NotificationRulePatch" });
export type NotificationRulePatch = z.output<typeof NotificationRulePatchSchema>;

export const NotificationRuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    deploymentId: z.string().nullable(),
    /** The deployment as people name it, "flow/name". */
    deployment: z.string().nullable(),
    tag: z.string().nullable(),
    events: z.array(NotificationEventSchema),
    longerThanMinutes: z.number().nullable(),
    /** Masked: a password, query values and token-like path segments are ***. */
    url: z.string(),
    active: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "NotificationRule" });
export type NotificationRuleView = z.infer<typeof NotificationRuleSchema>;

export const ListNotificationRulesResponseSchema = z.object({
  rules: z.array(NotificationRuleSchema),
});

/** The JSON body POSTed to the webhook. */
export const NotificationPayloadSchema = z
  .object({
    text: z.string().describe("one line for Slack and the like (its `text` field)"),
    event: DeliveryEventSchema,
    /** The delivery's id: the same on every retry, so a receiver can drop a repeat. */
    deliveryId: z.string(),
    run: z
      .object({
        id: z.string(),
        url: z.string(),
        flow: z.string(),
        deployment: z.string().nullable(),
        state: z.string(),
        startedAt: isoTime.nullable(),
        endedAt: isoTime.nullable(),
        durationMs: z.number().nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
    rule: z.object({ id: z.string(), name: z.string() }),
  })
  .meta({ id: "NotificationPayload" });
export type NotificationPayload = z.infer<typeof NotificationPayloadSchema>;

export const NotificationDeliverySchema = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    flowRunId: z.string().nullable(),
    event: DeliveryEventSchema,
    status: DeliveryStatusSchema,
    attempts: z.number(),
    /** When the next attempt is due (pending), or null. */
    nextAttemptAt: isoTime.nullable(),
    lastError: z.string().nullable(),
    /** The receiver's last HTTP status, or null when it could not be reached. */
    lastStatus: z.number().nullable(),
    createdAt: isoTime,
    deliveredAt: isoTime.nullable(),
    text: z.string(),
  })
  .meta({ id: "NotificationDelivery" });
export type NotificationDeliveryView = z.infer<typeof NotificationDeliverySchema>;

export const MAX_DELIVERIES_PAGE = 200;

export const DeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERIES_PAGE).default(50),
  before: z
    .string()
    .max(200)
    .optional()
    .describe("the `next` of the previous page: the deliveries older than it"),
});

export const ListDeliveriesResponseSchema = z.object({
  deliveries: z.array(NotificationDeliverySchema),
  /** Pass as `before` for the next (older) page; null at the end. */
  next: z.string().nullable(),
});
