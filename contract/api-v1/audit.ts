// /api/v1 shapes of the audit log: who changed what, when, and through which door (a browser
// session, an API key, an agent key, or the server itself). Details never hold a secret's value
// nor a key's secret: only names, ids and small facts about the change.
import * as z from "zod";
import { isoTime, TimeFilterSchema } from "./common.ts";

/**
 * Every action the log records, one per state-changing operation. A new operation adds its
 * action here, then calls `audit()` (server/audit/record.ts) in the transaction of its change.
 */
export const AUDIT_ACTIONS = [
  "flow.create",
  "flow.update",
  "flow.rename",
  "flow.delete",
  "flow.storage",
  "deployment.create",
  "deployment.update",
  "deployment.pause",
  "deployment.resume",
  "deployment.limit",
  "schedule.create",
  "schedule.update",
  "schedule.pause",
  "schedule.resume",
  "schedule.delete",
  "trigger.create",
  "trigger.update",
  "trigger.rotate",
  "trigger.delete",
  "notificationRule.create",
  "notificationRule.update",
  "notificationRule.delete",
  "notificationRule.test",
  "notificationDelivery.retry",
  "backfill.create",
  "backfill.cancel",
  "run.create",
  "run.cell",
  "run.cancel",
  "run.replay",
  "workQueue.pause",
  "workQueue.resume",
  "workQueue.update",
  "concurrencyLimit.set",
  "concurrencyLimit.delete",
  "retention.set",
  "retention.run",
  "apiKey.create",
  "apiKey.revoke",
  "secret.set",
  "secret.delete",
  "variable.set",
  "variable.delete",
  "storage.create",
  "storage.delete",
  "user.create",
  "user.invite",
  "user.inviteRevoke",
  "user.role",
  "user.disable",
  "user.enable",
  "user.password",
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AUDIT_TARGET_TYPES = [
  "flow",
  "deployment",
  "schedule",
  "trigger",
  "notificationRule",
  "backfill",
  "flowRun",
  "workQueue",
  "concurrencyLimit",
  "apiKey",
  "secret",
  "variable",
  "user",
  "retention",
  "storage",
] as const;
export const AuditTargetTypeSchema = z.enum(AUDIT_TARGET_TYPES);
export type AuditTargetType = z.infer<typeof AuditTargetTypeSchema>;

/** How the actor reached the server: the studio, an API key (CLI, scripts), an agent key, itself. */
export const AUDIT_VIAS = ["session", "key", "agent", "system"] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

export const AuditEventSchema = z.object({
  id: z.string(),
  at: isoTime,
  actor: z.object({
    /** Null for the server itself, or a user deleted since. */
    userId: z.string().nullable(),
    name: z.string(),
    via: z.enum(AUDIT_VIAS),
    /** The API key used (or the one the session was signed in with). */
    key: z.object({ id: z.string(), name: z.string() }).nullable(),
  }),
  action: AuditActionSchema,
  target: z.object({
    type: AuditTargetTypeSchema,
    id: z.string().nullable(),
    name: z.string().nullable(),
  }),
  /** Small facts about the change (a version, a replay's kind); never a secret. */
  details: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.infer<typeof AuditEventSchema>;

/**
 * An action filter: an action ("run.cancel"), or a family of them by what precedes the dot
 * ("run" is every run.* action).
 */
export const AuditActionFilterSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(
    (text) =>
      (AUDIT_ACTIONS as readonly string[]).includes(text) ||
      AUDIT_ACTIONS.some((a) => a.startsWith(`${text}.`)),
    {
      message: `an action is one of ${AUDIT_ACTIONS.join(", ")}, or the part before the dot for all of that kind (e.g. "run")`,
    },
  );

export const MAX_AUDIT_PAGE = 200;

/** The filters of the list, the same in the API, tRPC and the CLI. */
export const AuditFilterSchema = z.object({
  action: AuditActionFilterSchema.optional().describe(
    'Events of this action ("run.cancel"), or of every action of a kind ("run")',
  ),
  actor: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Events of this user: their name or id"),
  targetType: AuditTargetTypeSchema.optional().describe("Events about this kind of thing"),
  target: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .optional()
    .describe("Events about this thing: its id or name"),
  since: TimeFilterSchema.optional().describe("Events at or after this time (ISO-8601)"),
  until: TimeFilterSchema.optional().describe("Events before this time (ISO-8601)"),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

export const ListAuditEventsQuerySchema = AuditFilterSchema.extend({
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe("`next` of an earlier answer with the same filters: the page after it"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_AUDIT_PAGE)
    .default(50)
    .describe(`Events per page (≤ ${MAX_AUDIT_PAGE})`),
});

export const ListAuditEventsResponseSchema = z.object({
  events: z.array(AuditEventSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next: z.string().nullable(),
});
export type ListAuditEventsResponse = z.infer<typeof ListAuditEventsResponseSchema>;
