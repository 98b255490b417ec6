// /api/v1 shapes of API keys: what a list shows (never the key), what creating one takes and
// answers (the key itself, shown this once).
import * as z from "zod";
import { isoTime, WorkQueueNameSchema } from "./common.ts";

export const RoleSchema = z
  .enum(["viewer", "operator", "editor", "admin"])
  .describe(
    "viewer reads; operator also triggers, cancels and retries runs; editor also changes flows and deployments; admin also manages users and keys",
  );

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The first characters of the key, to tell keys apart. */
    prefix: z.string(),
    kind: z.enum(["user", "agent"]),
    /** The key's own role when it is lower than its user's (null: acts with the user's role). */
    role: RoleSchema.nullable(),
    /** The work queues an agent key serves. */
    queues: z.array(z.string()),
    user: z.string(),
    createdAt: isoTime,
    lastUsedAt: isoTime.nullable(),
    expiresAt: isoTime.nullable(),
    revokedAt: isoTime.nullable(),
    /** Whether it works now. */
    state: z.enum(["active", "expired", "revoked"]),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyView = z.infer<typeof ApiKeySchema>;

export const ListApiKeysResponseSchema = z.object({ apiKeys: z.array(ApiKeySchema) });

// Expiry is given in days: relative, so clocks and time zones cannot make it wrong.
const MAX_EXPIRY_DAYS = 3650;

export const CreateApiKeyRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1, "name the key (what it is for)").max(100),
    kind: z.enum(["user", "agent"]).default("user"),
    role: RoleSchema.optional().describe(
      "user keys: act with this role instead of yours (it may not be higher)",
    ),
    queues: z
      .array(WorkQueueNameSchema)
      .max(50)
      .default([])
      .describe("agent keys: the work queues the key serves (at least one)"),
    expiresInDays: z
      .int()
      .min(1)
      .max(MAX_EXPIRY_DAYS)
      .optional()
      .describe("the key stops working after this many days (default: never)"),
  })
  .superRefine((value, ctx) => {
    if (value.kind === "agent" && value.queues.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["queues"],
        message: "an agent key serves at least one work queue",
      });
    }
    if (value.kind === "user" && value.queues.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["queues"],
        message: "only agent keys have work queues",
      });
    }
    if (value.kind === "agent" && value.role) {
      ctx.addIssue({
        code: "custom",
        path: ["role"],
        message: "agent keys have no role: they may only speak the agent protocol",
      });
    }
  });
export type CreateApiKeyRequest = z.input<typeof CreateApiKeyRequestSchema>;

export const CreateApiKeyResponseSchema = z.object({
  apiKey: ApiKeySchema,
  /** The key itself: shown only in this answer, stored only as a hash. */
  key: z.string(),
});
export type CreateApiKeyResponse = z.infer<typeof CreateApiKeyResponseSchema>;
