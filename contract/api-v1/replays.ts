// /api/v1 shapes of replays (Retry, Retry from failure, Run from here).
import * as z from "zod";
import { ParameterValuesSchema } from "./common.ts";
import { FlowRunDisplayStateSchema, ReplayKindSchema, ReplayOfSchema } from "./flow-runs.ts";

// ---------------------------------------------------------------- replays
// Retry, Retry from failure and Run from here (server/runs/replay/): a new run linked to the one
// it replays, in which the tasks that need not run again are Cached with their earlier results.

export const ReplayVersionSchema = z
  .enum(["run", "latest"])
  .describe("run: the replayed run's own flow version; latest: the flow's latest version");
export type ReplayVersion = z.infer<typeof ReplayVersionSchema>;

export const ReplayRequestSchema = z.strictObject({
  version: ReplayVersionSchema.default("run"),
  /** The replay's parameters instead of the replayed run's (the version's defaults filled in). */
  parameters: ParameterValuesSchema.optional().describe(
    "Parameters for the replay instead of the replayed run's (defaults filled in)",
  ),
});
export type ReplayRequest = z.input<typeof ReplayRequestSchema>;

export const RunFromTaskRequestSchema = ReplayRequestSchema.extend({
  task: z.string().min(1).describe("The task to run again, with everything downstream of it"),
});
export type RunFromTaskRequest = z.input<typeof RunFromTaskRequestSchema>;

export const ReplayPlanQuerySchema = z.object({
  kind: ReplayKindSchema,
  task: z.string().min(1).optional().describe("For kind=fromTask: the task to run again"),
  version: ReplayVersionSchema.default("run"),
});

/** Why a task runs again in a replay. */
export const RERUN_REASONS = [
  "retry",
  "fromTask",
  "new",
  "notCompleted",
  "changed",
  "parameters",
  "downstream",
] as const;

export const ReplayTaskPlanSchema = z.object({
  name: z.string(),
  action: z.enum(["rerun", "reuse"]),
  /** Why it re-runs; null when its earlier result is reused. */
  reason: z.enum(RERUN_REASONS).nullable(),
  /** The same in words: "Failed in run 1a2b3c4d", "code changed in v3", "downstream of b", … */
  detail: z.string(),
  /** For a reused task: the run that produced its result. */
  fromRun: z.string().nullable(),
  /**
   * For a mapped task that re-runs only its items that did not complete: how many items it
   * reuses (Cached, with the replayed run's results) and how many run again.
   */
  items: z.object({ reuse: z.int(), rerun: z.int() }).optional(),
});
export type ReplayTaskPlan = z.infer<typeof ReplayTaskPlanSchema>;

export const ReusedTaskSchema = z.object({ task: z.string(), fromRun: z.string() });

export const ReplayPlanSchema = z
  .object({
    replayOf: ReplayOfSchema,
    /** The flow version the replay runs. */
    flowVersion: z.int(),
    /** The flow version the replayed run ran. */
    sourceFlowVersion: z.int(),
    parameters: ParameterValuesSchema,
    /** Parameters whose values differ from the replayed run's (every task then re-runs). */
    changedParameters: z.array(z.string()),
    /** The tasks that run again, in the order they run. */
    rerun: z.array(z.string()),
    /** The tasks whose earlier results are reused (Cached), with the run that produced each. */
    reused: z.array(ReusedTaskSchema),
    /** Mapped tasks that run again only their items that did not complete: how many they keep. */
    reusedItems: z.array(z.object({ task: z.string(), items: z.int() })),
    /** Every task of the replay's version, in topological order, with why it re-runs or not. */
    tasks: z.array(ReplayTaskPlanSchema),
  })
  .meta({ id: "ReplayPlan" });
export type ReplayPlanView = z.infer<typeof ReplayPlanSchema>;

export const ReplayResponseSchema = ReplayPlanSchema.extend({
  /** The new run. */
  id: z.string(),
  state: FlowRunDisplayStateSchema,
}).meta({ id: "Replay" });
export type ReplayView = z.infer<typeof ReplayResponseSchema>;
