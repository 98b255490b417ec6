// /api/v1 shapes of flows and deployments.
import * as z from "zod";
import { DaskSchedulerSchema } from "../dask-scheduler.ts";
import { ImageReferenceSchema } from "../image-reference.ts";
import {
  CatchupPolicySchema,
  MAX_SCHEDULES,
  OverlapPolicySchema,
  ScheduleInputSchema,
} from "../schedules.ts";
import {
  DeploymentNameSchema,
  ParameterValuesSchema,
  TagSchema,
  WorkQueueNameSchema,
  isoTime,
} from "./common.ts";

// ---------------------------------------------------------------- flows

export const FlowStorageSchema = z
  .object({
    flow: z.string(),
    /** The storage chosen for the flow, or null: none chosen, its runs use `local`. */
    storage: z.string().nullable(),
    /** Where its deployments' runs write: the chosen storage, else `local`. */
    effective: z.string(),
    /** Its deployments with the storage each one writes to (following the flow or their own). */
    deployments: z.array(
      z.object({
        name: z.string(),
        storage: z.string(),
        source: z.enum(["deployment", "flow", "default"]),
      }),
    ),
  })
  .meta({ id: "FlowStorage" });
export type FlowStorage = z.infer<typeof FlowStorageSchema>;

export const SetFlowStorageRequestSchema = z.strictObject({
  /** A storage's name (`local` included), or null to clear the choice (the flow then uses local). */
  storage: z.string().min(1).max(63).nullable(),
});
export type SetFlowStorageRequest = z.infer<typeof SetFlowStorageRequestSchema>;

export const FlowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.int(),
});

export const ImportFlowResponseSchema = FlowSummarySchema.extend({
  /** False when the content was the same as the latest version's (nothing new was saved). */
  created: z.boolean(),
});
export type ImportFlowResponse = z.infer<typeof ImportFlowResponseSchema>;

export const ListFlowsResponseSchema = z.object({
  flows: z.array(FlowSummarySchema.extend({ description: z.string(), updatedAt: isoTime })),
});
export type ListFlowsResponse = z.infer<typeof ListFlowsResponseSchema>;

/** One dependency set of a flow version and the versions its first build resolved. */
export const EnvironmentLockViewSchema = z.object({
  specHash: z.string(),
  language: z.enum(["python", "typescript"]),
  /** As the flow file declares it: pip requirements, or npm package → version range. */
  declared: z.union([z.array(z.string()), z.record(z.string(), z.string())]),
  /** null until an agent built it: pip freeze lines, or package path in node_modules → version. */
  resolved: z.union([z.array(z.string()), z.record(z.string(), z.string())]).nullable(),
  /** The agent that built it first. */
  agent: z.string().nullable(),
  recordedAt: isoTime.nullable(),
});

export const FlowVersionResponseSchema = z.object({
  name: z.string(),
  version: z.int(),
  latestVersion: z.int(),
  createdAt: isoTime,
  createdBy: z.string().nullable(),
  /** The flow file of this version (JSON). */
  flowFile: z.record(z.string(), z.unknown()),
  /** Its dependency sets with their locks (empty when it declares no dependencies). */
  environments: z.array(EnvironmentLockViewSchema),
});
export type FlowVersionResponse = z.infer<typeof FlowVersionResponseSchema>;

// ---------------------------------------------------------------- deployments

export const CreateDeploymentRequestSchema = z.strictObject({
  flow: z.string().min(1),
  name: DeploymentNameSchema,
  description: z.string().max(10_000).optional(),
  parameters: ParameterValuesSchema.default({}),
  workQueue: WorkQueueNameSchema.default("default"),
  tags: z.array(TagSchema).max(20).default([]),
  /** Flow-level retries: a Crashed or Failed run is queued again this many times. */
  retries: z.int().min(0).max(100).default(0),
  retryDelaySeconds: z.int().min(0).max(86_400).default(0),
  runner: z.enum(["process", "docker", "dask"]).default("process"),
  /** For the docker runner; checked against Docker's reference grammar (never an option). */
  image: ImageReferenceSchema.optional(),
  /**
   * For the dask runner: the scheduler its Python tasks are sent to. Left out, the agent's own
   * --dask-scheduler serves.
   */
  daskScheduler: DaskSchedulerSchema.optional(),
  /**
   * Where its runs' large results go: a storage's name (`pipebook storage ls`), `local` included.
   * Left out, the deployment follows its flow's storage (`PUT /api/v1/flows/{name}/storage`),
   * which is `local` until one is chosen.
   */
  storage: z.string().min(1).max(63).optional(),
  catchup: CatchupPolicySchema.default("latest"),
  catchupMax: z
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe("with catchup all: how many of the latest missed slots run"),
  overlap: OverlapPolicySchema.default("allow"),
  /**
   * Given (a deployment file), the deployment's schedules become exactly these: one with the same
   * rule, time zone and parameters is kept as it is, others are removed or added. Left out, the
   * schedules are not touched.
   */
  schedules: z.array(ScheduleInputSchema).max(MAX_SCHEDULES).optional(),
});
export type CreateDeploymentRequest = z.input<typeof CreateDeploymentRequestSchema>;

export const DeploymentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    flow: z.string(),
    version: z.int(),
    workQueue: z.string(),
    tags: z.array(z.string()),
    parameters: ParameterValuesSchema,
    /** The flow version's parameter schema (JSON Schema), for building forms and CLI flags. */
    parameterSchema: z.record(z.string(), z.unknown()),
    retries: z.int(),
    runner: z.string(),
    image: z.string().nullable(),
    daskScheduler: z.string().nullable(),
    /** The storage its runs' large results go to (the rule of storageSource). */
    storage: z.string(),
    /**
     * Where that choice comes from: the deployment's own, its flow's (the deployment follows it),
     * or the default (`local`: neither chose one).
     */
    storageSource: z.enum(["deployment", "flow", "default"]),
    /** At most this many of its runs active at once; null: no limit. */
    concurrencyLimit: z.int().nullable(),
    /** A paused deployment's runs wait unclaimed and its schedules create none. */
    paused: z.boolean(),
    catchup: CatchupPolicySchema,
    catchupMax: z.int(),
    overlap: OverlapPolicySchema,
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "Deployment" });
export type DeploymentView = z.infer<typeof DeploymentSchema>;

export const CreateDeploymentResponseSchema = DeploymentSchema.extend({
  /** False when a deployment of that name existed and was updated. */
  created: z.boolean(),
  /** Why no agent would take its runs now ("no online agent serves work queue …"); empty if one would. */
  warnings: z.array(z.string()),
});
export type CreateDeploymentResponse = z.infer<typeof CreateDeploymentResponseSchema>;
export const ListDeploymentsResponseSchema = z.object({ deployments: z.array(DeploymentSchema) });
