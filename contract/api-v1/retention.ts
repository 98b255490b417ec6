// /api/v1 shapes of retention: how long logs, results and artifacts are kept (globally and per deployment),
// and the last retention pass.
import * as z from "zod";
import { isoTime } from "./common.ts";

/** Days to keep a kind of data; null keeps it forever. */
export const RetentionDaysSchema = z
  .int("days are a whole number")
  .min(1, "keep data at least 1 day (null keeps it forever)")
  .max(36_500, "at most 36500 days (null keeps it forever)")
  .nullable();

export const RetentionLimitsSchema = z.object({
  /** A finished run's log lines are deleted this many days after the run ended. */
  logsDays: RetentionDaysSchema,
  /**
   * Task results are deleted this many days after they were made — never one that a live cache
   * entry or a run in progress still needs.
   */
  resultsDays: RetentionDaysSchema,
  /** Artifacts (and their stored files) are deleted this many days after they were uploaded. */
  artifactsDays: RetentionDaysSchema,
});
export type RetentionLimits = z.infer<typeof RetentionLimitsSchema>;

/** A change of limits: a field left out stays as it is; null keeps that data forever. */
export const PutRetentionRequestSchema = z.strictObject({
  logsDays: RetentionDaysSchema.optional(),
  resultsDays: RetentionDaysSchema.optional(),
  artifactsDays: RetentionDaysSchema.optional(),
});
export type PutRetentionRequest = z.infer<typeof PutRetentionRequestSchema>;

export const DeploymentRetentionSchema = RetentionLimitsSchema.extend({
  deploymentId: z.string(),
  flow: z.string(),
  deployment: z.string(),
});

export const RetentionPassSchema = z.object({
  startedAt: isoTime,
  /** Null while the pass is under way. */
  endedAt: isoTime.nullable(),
  logLinesDeleted: z.int(),
  resultsDeleted: z.int(),
  artifactsDeleted: z.int(),
  error: z.string().nullable(),
});
export type RetentionPassView = z.infer<typeof RetentionPassSchema>;

export const RetentionSchema = z
  .object({
    global: RetentionLimitsSchema,
    /** Deployments with limits of their own; each null one falls back to the global limit. */
    deployments: z.array(DeploymentRetentionSchema),
    /** The last (or current) retention pass, null before the first. */
    lastPass: RetentionPassSchema.nullable(),
  })
  .meta({ id: "Retention" });
export type RetentionView = z.infer<typeof RetentionSchema>;
