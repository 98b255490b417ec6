// /api/v1 shapes of concurrency limits (per work queue, deployment and tag), deployment pause,
// and work queue settings.
import * as z from "zod";
import { isoTime, TagSchema } from "./common.ts";

/** How many runs may be active at once; 0 holds every run back. */
export const ConcurrencyLimitValueSchema = z
  .int("a concurrency limit is a whole number")
  .min(0, "a concurrency limit is at least 0 (0 holds every run back)")
  .max(100_000, "a concurrency limit is at most 100000");

// No component name of its own: it only appears inside ConcurrencyLimits.
export const TagLimitSchema = z.object({
  tag: TagSchema,
  limit: z.int(),
  /** Runs carrying the tag that are active now (Pending, Running, Cancelling). */
  inUse: z.int(),
  /** Due runs carrying the tag that wait for a slot now. */
  waiting: z.int(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type TagLimitView = z.infer<typeof TagLimitSchema>;

const SlotUseSchema = z.object({ name: z.string(), limit: z.int(), inUse: z.int() });

export const ConcurrencyLimitsSchema = z
  .object({
    tags: z.array(TagLimitSchema),
    /** Work queues with a limit. */
    workQueues: z.array(SlotUseSchema),
    /** Deployments with a limit (name is "flow/deployment"). */
    deployments: z.array(SlotUseSchema.extend({ id: z.string() })),
  })
  .meta({ id: "ConcurrencyLimits" });
export type ConcurrencyLimits = z.infer<typeof ConcurrencyLimitsSchema>;

export const PutTagLimitRequestSchema = z.strictObject({ limit: ConcurrencyLimitValueSchema });

export const UpdateWorkQueueRequestSchema = z
  .strictObject({
    description: z.string().max(10_000).optional(),
    /** Lower is claimed first by an agent serving several queues. */
    priority: z
      .int("priority is a whole number")
      .min(1, "priority is at least 1 (the highest)")
      .max(10_000, "priority is at most 10000")
      .optional(),
    /** null removes the limit. */
    concurrencyLimit: ConcurrencyLimitValueSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, {
    message: "give at least one of description, priority, concurrencyLimit",
  });
export type UpdateWorkQueueRequest = z.infer<typeof UpdateWorkQueueRequestSchema>;

export const UpdateDeploymentRequestSchema = z.strictObject({
  /** null removes the limit. */
  concurrencyLimit: ConcurrencyLimitValueSchema.nullable(),
});
export type UpdateDeploymentRequest = z.infer<typeof UpdateDeploymentRequestSchema>;
