// The public HTTP API under /api/v1: request and answer shapes, shared by the server's
// handlers, the CLI and the OpenAPI document. Outside scripts rely on these exact shapes
// (../DESIGN.md "Public API"); fields may be added, never renamed or removed.
import { z } from "zod";
import { FLOW_RUN_STATES, TASK_RUN_STATES } from "./run-states.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameSchema = (what: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(
      NAME,
      `${what} must start with a letter or digit and hold only letters, digits, ".", "_" and "-"`,
    );

export const WorkQueueNameSchema = nameSchema("a work queue name");
export const DeploymentNameSchema = nameSchema("a deployment name");
export const TagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'a tag must start with a letter or digit and hold only letters, digits, ".", "_", ":", "/" and "-"',
  );

export const ParameterValuesSchema = z.record(z.string(), z.unknown());

const isoTime = z.iso.datetime();

// ---------------------------------------------------------------- errors

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      /** Problems of a flow file or of parameters, each with its own location. */
      issues: z.array(z.record(z.string(), z.unknown())).optional(),
    }),
  })
  .meta({ id: "Error" });
export type ApiError = z.infer<typeof ApiErrorSchema>;

// ---------------------------------------------------------------- flows

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
  runner: z.enum(["process", "docker"]).default("process"),
  image: z.string().min(1).max(500).optional(),
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
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: "Deployment" });
export type DeploymentView = z.infer<typeof DeploymentSchema>;

export const CreateDeploymentResponseSchema = DeploymentSchema;
export const ListDeploymentsResponseSchema = z.object({ deployments: z.array(DeploymentSchema) });

// ---------------------------------------------------------------- flow runs

export const CreateFlowRunRequestSchema = z.strictObject({
  parameters: ParameterValuesSchema.default({}),
});

export const FlowRunDisplayStateSchema = z.enum([...FLOW_RUN_STATES, "Late", "Paused"]);

export const CreateFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
});

export const TaskRunSchema = z.object({
  name: z.string(),
  state: z.enum(TASK_RUN_STATES),
  attempts: z.int(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  result: z.unknown(),
  error: z.object({ type: z.string(), message: z.string() }).catchall(z.unknown()).nullable(),
  /** For a Cached task whose result was copied from an earlier run (a replay): that run's id. */
  resultFrom: z.string().nullable(),
});
export type TaskRunView = z.infer<typeof TaskRunSchema>;

export const ReplayKindSchema = z
  .enum(["retry", "fromFailure", "fromTask"])
  .describe(
    "retry: the whole run again; fromFailure: the tasks that did not complete and their downstream; fromTask: one task and its downstream",
  );
export type ReplayKind = z.infer<typeof ReplayKindSchema>;

export const ReplayOfSchema = z.object({
  id: z.string(),
  kind: ReplayKindSchema,
  /** The task a fromTask replay starts from. */
  task: z.string().nullable(),
});

export const ReplaySummarySchema = ReplayOfSchema.extend({
  state: FlowRunDisplayStateSchema,
  createdAt: isoTime,
});

export const FlowRunSchema = z
  .object({
    id: z.string(),
    state: FlowRunDisplayStateSchema,
    stateMessage: z.string().nullable(),
    createdAt: isoTime,
    scheduledAt: isoTime,
    startedAt: isoTime.nullable(),
    endedAt: isoTime.nullable(),
    flow: z.object({ name: z.string(), version: z.int() }),
    /** Null for a notebook cell run started from the studio without a deployment. */
    deployment: z.object({ id: z.string(), name: z.string() }).nullable(),
    /** The task a notebook cell run was started for ("Run cell"); null for a whole-flow run. */
    cellTask: z.string().nullable(),
    workQueue: z.string(),
    parameters: ParameterValuesSchema,
    /** Copied from the deployment when the run was created: only agents with all of them claim it. */
    tags: z.array(z.string()),
    attempt: z.int(),
    /** The agent that holds (or last held) the run. */
    agent: z.object({ id: z.string(), name: z.string(), hostname: z.string() }).nullable(),
    /** The run this one replays (Retry, Retry from failure, Run from here), when it is a replay. */
    replayOf: ReplayOfSchema.nullable(),
    /** Replays of this run, oldest first. */
    replays: z.array(ReplaySummarySchema),
    /** How many log lines the run has so far. */
    logLines: z.int(),
    /** While the run waits: why no agent would take it now ("no online agent serves …"). */
    warnings: z.array(z.string()),
    taskRuns: z.array(TaskRunSchema),
  })
  .meta({ id: "FlowRun" });
export type FlowRunView = z.infer<typeof FlowRunSchema>;

export const LogLineSchema = z.object({
  task: z.string().nullable(),
  attempt: z.int().nullable(),
  level: z.enum(["debug", "info", "warning", "error"]),
  message: z.string(),
  timestamp: isoTime,
});
export type LogLineView = z.infer<typeof LogLineSchema>;

export const LogsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,19}$/, "the cursor must be a value of `next` from an earlier answer")
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const LogsResponseSchema = z
  .object({
    logs: z.array(LogLineSchema),
    /** Pass as `after` to read on; null once the run has ended and every line was read. */
    next: z.string().nullable(),
  })
  .meta({ id: "LogPage" });
export type LogsResponse = z.infer<typeof LogsResponseSchema>;

export const StateEventSchema = z.object({
  /** The task's name, or null for the flow run itself. */
  task: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
  attempt: z.int().nullable(),
  message: z.string().nullable(),
  at: isoTime,
});
export const FlowRunHistoryResponseSchema = z
  .object({ events: z.array(StateEventSchema) })
  .meta({ id: "FlowRunHistory" });
export type FlowRunHistoryResponse = z.infer<typeof FlowRunHistoryResponseSchema>;

export const CancelFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
});

export const HealthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  database: z.enum(["pglite", "postgres"]),
});

// ---------------------------------------------------------------- runs list (GET /api/v1/flow-runs)

/** A query parameter that takes several values, comma-separated (or repeated: see the route). */
const listOf = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1));

export const ListFlowRunsQuerySchema = z.object({
  state: listOf(FlowRunDisplayStateSchema)
    .optional()
    .describe(
      `Runs shown in any of these states (${FlowRunDisplayStateSchema.options.join(", ")}): comma-separated, or the parameter repeated`,
    ),
  flow: z.string().min(1).max(200).optional().describe("Runs of the flow of this name"),
  deployment: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe("Runs of this deployment: its id, or FLOW/NAME"),
  tag: listOf(TagSchema)
    .optional()
    .describe("Runs carrying every one of these tags: comma-separated, or the parameter repeated"),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Runs scheduled at or after this time (ISO-8601; a manual run's trigger time)"),
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Runs scheduled before this time (ISO-8601)"),
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe("`next` of an earlier answer with the same filters: the page after it"),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Runs per page (≤ 200)"),
});
export type ListFlowRunsQuery = z.infer<typeof ListFlowRunsQuerySchema>;

export const FlowRunListItemSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
  flow: z.object({ name: z.string(), version: z.int() }),
  /** Null for a notebook cell run started from the studio without a deployment. */
  deployment: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The task a notebook cell run was started for; null for a whole-flow run. */
  cellTask: z.string().nullable(),
  tags: z.array(z.string()),
  /** How this run replays an earlier one (Retry, Retry from failure, Run from here), if it does. */
  replayKind: ReplayKindSchema.nullable(),
  /** When it should start: the trigger time of a manual run, the slot of a scheduled one. */
  scheduledAt: isoTime,
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  /** From start to end (or to now while it runs); null before it starts. */
  durationMs: z.int().nullable(),
});
export type FlowRunListItem = z.infer<typeof FlowRunListItemSchema>;

/** How many runs the filter holds in each shown state, the filter's own states left out. */
export const FlowRunStateCountsSchema = z.object(
  Object.fromEntries(FlowRunDisplayStateSchema.options.map((state) => [state, z.int()])) as Record<
    z.infer<typeof FlowRunDisplayStateSchema>,
    z.ZodInt
  >,
);
export type FlowRunStateCounts = z.infer<typeof FlowRunStateCountsSchema>;

export const ListFlowRunsResponseSchema = z
  .object({
    /** Newest first by scheduled time, then id: a stable order while new runs arrive. */
    runs: z.array(FlowRunListItemSchema),
    /** Pass as `cursor` (with the same filters) for the next page; null on the last page. */
    next: z.string().nullable(),
    counts: FlowRunStateCountsSchema,
  })
  .meta({ id: "FlowRunPage" });
export type ListFlowRunsResponse = z.infer<typeof ListFlowRunsResponseSchema>;
