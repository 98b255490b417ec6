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

export const CreateDeploymentResponseSchema = DeploymentSchema.extend({
  /** False when a deployment of that name existed and was updated. */
  created: z.boolean(),
  /** Why no agent would take its runs now ("no online agent serves work queue …"); empty if one would. */
  warnings: z.array(z.string()),
});
export type CreateDeploymentResponse = z.infer<typeof CreateDeploymentResponseSchema>;
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

// ---------------------------------------------------------------- logs (the log pipeline)

export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export const LogLineSchema = z.object({
  /** 1, 2, 3… within the run, without gaps: the line's place in the whole log. */
  line: z.int(),
  task: z.string().nullable(),
  attempt: z.int().nullable(),
  level: LogLevelSchema,
  message: z.string(),
  timestamp: isoTime,
});
export type LogLineView = z.infer<typeof LogLineSchema>;

const cursor = (what: string) =>
  z
    .string()
    .regex(/^\d{1,10}$/, `${what} is a line number (a cursor from an earlier answer)`)
    .optional();

/** The filters every log read takes (all optional; given together, a line must pass them all). */
export const LogFilterQuerySchema = z.object({
  task: z.string().min(1).max(200).optional().describe("Only this task's lines"),
  level: z
    .string()
    .regex(
      /^(debug|info|warning|error)(,(debug|info|warning|error))*$/,
      "level is a comma-separated list of debug, info, warning, error",
    )
    .optional()
    .describe("Only lines of these levels, comma-separated (e.g. warning,error)"),
  q: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\n]*$/, "q is one line of text")
    .optional()
    .describe("Only lines holding this text (case-insensitive)"),
});

export const LogsQuerySchema = LogFilterQuerySchema.extend({
  after: cursor("after").describe("Lines after this line number (a `next` of an earlier answer)"),
  before: cursor("before").describe(
    "Lines before this line number, the last `limit` of them (a `previous` of an earlier answer)",
  ),
  tail: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .optional()
    .describe("The last N lines (that pass the filters); then follow with `next`"),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type LogsQuery = z.infer<typeof LogsQuerySchema>;

export const LogsResponseSchema = z
  .object({
    logs: z.array(LogLineSchema),
    /** Pass as `after` to read on; null once the run has ended and every line was read. */
    next: z.string().nullable(),
    /** Pass as `before` to read the lines before this page; null when none are left there. */
    previous: z.string().nullable(),
    /** How many lines the run has (all of them, whatever the filters). */
    total: z.int(),
  })
  .meta({ id: "LogPage" });
export type LogsResponse = z.infer<typeof LogsResponseSchema>;

/** Lines [from, to) of a run, unfiltered: the virtualised viewer's random access. */
export const LogWindowSchema = z.object({
  lines: z.array(LogLineSchema),
  total: z.int(),
  /** The run has ended: `total` will not grow. */
  ended: z.boolean(),
});
export type LogWindow = z.infer<typeof LogWindowSchema>;

export const StateEventSchema = z.object({
  /** The task's name, or null for the flow run itself. */
  task: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
  attempt: z.int().nullable(),
  message: z.string().nullable(),
  /** The attempt's error (type, message, traceback) on a task's Failed, Retrying, Crashed… */
  error: z
    .object({ type: z.string(), message: z.string() })
    .catchall(z.unknown())
    .nullable()
    .optional(),
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

// ---------------------------------------------------------------- one task of a run

export const TaskAttemptSchema = z.object({
  /** 1-based, continuing across flow-level retries of the run. */
  n: z.int(),
  /** Running while under way; Retrying when it failed and another attempt followed. */
  state: z.enum(TASK_RUN_STATES),
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  /** The attempt's error with its traceback, when it failed. */
  error: z.unknown(),
});

export const TaskRunDetailSchema = z
  .object({
    name: z.string(),
    state: z.enum(TASK_RUN_STATES),
    /** The task as the run's flow version defines it. */
    spec: z.record(z.string(), z.unknown()),
    attempts: z.array(TaskAttemptSchema),
    /** Cached, Not run, or cancelled before it started: when, and why. */
    moments: z.array(
      z.object({ state: z.enum(TASK_RUN_STATES), at: isoTime, message: z.string().nullable() }),
    ),
    error: z.unknown(),
    nextAttemptAt: isoTime.nullable(),
    resultFrom: z.string().nullable(),
    /**
     * The result: whole up to 256 KB; past that its first items, keys and characters, with each
     * cut named by its JSON Pointer (the whole value: GET …/tasks/{task}/result).
     */
    result: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("none") }),
      z.object({
        kind: z.literal("value"),
        value: z.unknown(),
        sizeBytes: z.int(),
        cuts: z.array(z.object({ path: z.string(), missing: z.string() })),
      }),
    ]),
  })
  .meta({ id: "TaskRunDetail" });
export type TaskRunDetail = z.infer<typeof TaskRunDetailSchema>;
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
// ---------------------------------------------------------------- work queues and agents

/** An agent as the work queue views name it. */
export const AgentRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  tags: z.array(z.string()),
});

export const WorkQueueSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    /** Lower is claimed first by an agent serving several queues (1 is the highest). */
    priority: z.int(),
    concurrencyLimit: z.int().nullable(),
    paused: z.boolean(),
    /** Runs waiting for an agent (Scheduled): all, those whose start time has come, those shown Late. */
    waiting: z.object({ total: z.int(), due: z.int(), late: z.int() }),
    /** Runs an agent holds: Pending, Running or Cancelling. */
    running: z.int(),
    /** The online agents serving this queue. */
    agents: z.array(AgentRefSchema),
    createdAt: isoTime,
  })
  .meta({ id: "WorkQueue" });
export type WorkQueueView = z.infer<typeof WorkQueueSchema>;

export const ListWorkQueuesResponseSchema = z.object({ workQueues: z.array(WorkQueueSchema) });
export type ListWorkQueuesResponse = z.infer<typeof ListWorkQueuesResponseSchema>;

export const WorkQueuePreviewQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(20)
    .describe("How many runs to list (due ones first, then upcoming ones)"),
});

export const WorkQueuePreviewRunSchema = z.object({
  /** 1, 2, 3…: the order agents claim them in. */
  position: z.int(),
  id: z.string(),
  /** Scheduled, Late, or Paused while the queue is paused. */
  state: FlowRunDisplayStateSchema,
  /** False for a run whose start time has not come yet (listed after every due run). */
  due: z.boolean(),
  scheduledAt: isoTime,
  createdAt: isoTime,
  flow: z.object({ name: z.string(), version: z.int() }),
  /** Null for a notebook cell run. */
  deployment: z.object({ id: z.string(), name: z.string() }).nullable(),
  cellTask: z.string().nullable(),
  tags: z.array(z.string()),
  /** Online agents serving the queue that carry every tag of the run (0: none would take it). */
  eligibleAgents: z.int(),
  /** Why no online agent would take it ("no online agent of this queue carries tag gpu"). */
  warning: z.string().nullable(),
});
export type WorkQueuePreviewRun = z.infer<typeof WorkQueuePreviewRunSchema>;

export const WorkQueuePreviewSchema = z
  .object({
    workQueue: WorkQueueSchema,
    /** Due runs in claim order, then upcoming ones by start time. */
    runs: z.array(WorkQueuePreviewRunSchema),
    /** Why the queue's runs would wait now (paused, no online agent). */
    warnings: z.array(z.string()),
  })
  .meta({ id: "WorkQueuePreview" });
export type WorkQueuePreview = z.infer<typeof WorkQueuePreviewSchema>;

export const AgentRunSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
  flow: z.string(),
  /** Null for a notebook cell run. */
  deployment: z.string().nullable(),
  startedAt: isoTime.nullable(),
});

// No component name of its own: it only appears inside ListAgentsResponse.
export const AgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Online: not stopped and heard from within one lease. */
  state: z.enum(["online", "offline"]),
  hostname: z.string(),
  version: z.string(),
  queues: z.array(z.string()),
  tags: z.array(z.string()),
  /** Flow runs it takes at once. */
  concurrency: z.int(),
  startedAt: isoTime,
  /** Its last heartbeat (or registration). */
  lastSeenAt: isoTime,
  stoppedAt: isoTime.nullable(),
  /** The runs it holds now (Pending, Running, Cancelling). */
  runs: z.array(AgentRunSchema),
});
export type AgentView = z.infer<typeof AgentSchema>;

export const ListAgentsQuerySchema = z.object({
  all: z
    .enum(["true", "false"])
    .default("false")
    .describe("Also agents offline for more than a day (hidden by default)"),
});

export const ListAgentsResponseSchema = z.object({
  agents: z.array(AgentSchema),
  /** The server's clock when it answered, to tell how long ago each agent was heard from. */
  now: isoTime,
});
export type ListAgentsResponse = z.infer<typeof ListAgentsResponseSchema>;
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
