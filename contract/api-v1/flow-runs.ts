// /api/v1 shapes of flow runs: one run, one task of a run, the runs list.
import * as z from "zod";
import { FLOW_RUN_STATES, TASK_RUN_STATES } from "../run-states.ts";
import { ParameterValuesSchema, TagSchema, TimeFilterSchema, isoTime } from "./common.ts";

// ---------------------------------------------------------------- flow runs

export const CreateFlowRunRequestSchema = z.strictObject({
  parameters: ParameterValuesSchema.default({}),
  refreshCaches: z
    .boolean()
    .default(false)
    .describe(
      "Run tasks that have a cache policy again instead of reusing cached results, and store their fresh results as the newest cache entries",
    ),
});

/** Where a Cached task's (or item's) result came from: the task run that made it. */
export const CacheOriginSchema = z.object({
  flowRunId: z.string(),
  task: z.string(),
  /** The item of a mapped task that made it; null for a task. */
  item: z.int().nullable(),
  /** When that task run ended: when the result was made. */
  madeAt: isoTime.nullable(),
});
export type CacheOrigin = z.infer<typeof CacheOriginSchema>;

export const FlowRunDisplayStateSchema = z.enum([...FLOW_RUN_STATES, "Late", "Paused"]);

export const CreateFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
});

/** How many of a mapped task's items are in each state: every state named, 0 when none. */
export const TaskRunStateCountsSchema = z.object(
  Object.fromEntries(TASK_RUN_STATES.map((state) => [state, z.int()])) as Record<
    (typeof TASK_RUN_STATES)[number],
    z.ZodInt
  >,
);
export type TaskRunStateCounts = z.infer<typeof TaskRunStateCountsSchema>;

/** A mapped task's items at a glance (GET …/tasks/{task}/items lists them). */
export const MappedItemsSchema = z.object({
  /** How many items the task has: 0 until its list is known (the task starts). */
  count: z.int(),
  /** How many of them are in each state. */
  states: TaskRunStateCountsSchema,
  /** The lists it is mapped over (zipped when several), as the flow file names them. */
  map: z.array(z.string()),
  /** What a failed item does: fail the task, or let it complete with the others' results. */
  mapFailure: z.enum(["fail", "continue"]),
});
export type MappedItemsView = z.infer<typeof MappedItemsSchema>;

export const TaskRunSchema = z.object({
  name: z.string(),
  state: z.enum(TASK_RUN_STATES),
  attempts: z.int(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  /** The value; null for a large result kept in storage (see `storedResult`). */
  result: z.unknown(),
  /**
   * A result larger than 256 KB, kept in the deployment's storage: its size as JSON and where
   * to read it whole (GET …/tasks/{task}/result).
   */
  storedResult: z.object({ sizeBytes: z.int(), url: z.string() }).optional(),
  error: z.object({ type: z.string(), message: z.string() }).catchall(z.unknown()).nullable(),
  /** For a Cached task whose result was copied from an earlier run (a replay, a cache hit): that run's id. */
  resultFrom: z.string().nullable(),
  /** For a task Cached by its cache policy: the task run whose result it reused. */
  cachedFrom: CacheOriginSchema.nullable(),
  /**
   * Only on a mapped task: its items' counts by state. Its `result` is the list of the items'
   * results in item order.
   */
  items: MappedItemsSchema.optional(),
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
    /**
     * Since when the run's agent has not answered (its lease ran out): the run stays Pending or
     * Running with that agent, which may re-attach, until PIPEBOOK_REATTACH_GRACE_SECONDS have
     * passed; then it is Crashed. Null while the agent answers.
     */
    unreachableSince: isoTime.nullable(),
    /**
     * A due run that a concurrency limit or a paused deployment holds back: why
     * ("Waiting for a slot of tag db (2/2 in use)", "Deployment paused"); else null.
     */
    waitingFor: z.string().nullable(),
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
    /** Started with "refresh caches": its cached tasks ran again instead of reusing results. */
    refreshCaches: z.boolean(),
    /** The trigger that created the run (a webhook call, another run's end), when one did. */
    trigger: z
      .object({ id: z.string(), name: z.string(), kind: z.enum(["webhook", "runCompletion"]) })
      .nullable(),
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

export const StateEventSchema = z.object({
  /** The task's name, or null for the flow run itself. */
  task: z.string().nullable(),
  /** For an item of a mapped task: its index (0-based); null for a task or the run itself. */
  item: z.int().nullable().optional(),
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
  .object({
    events: z.array(StateEventSchema),
    /** Pass as `after` to read only the state changes that come later. */
    next: z.string(),
  })
  .meta({ id: "FlowRunHistory" });
export type FlowRunHistoryResponse = z.infer<typeof FlowRunHistoryResponseSchema>;

export const CancelFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
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
    /** For a task Cached by its cache policy: the task run whose result it reused. */
    cachedFrom: CacheOriginSchema.nullable(),
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
      /** Too large to preview as a tree: its first characters of JSON (read it whole: …/result). */
      z.object({
        kind: z.literal("text"),
        head: z.string(),
        sizeBytes: z.int(),
      }),
    ]),
  })
  .meta({ id: "TaskRunDetail" });
export type TaskRunDetail = z.infer<typeof TaskRunDetailSchema>;
// ---------------------------------------------------------------- items of a mapped task

/** Items per page of GET …/tasks/{task}/items at most. */
export const MAX_ITEMS_PAGE = 1000;

export const ListItemsQuerySchema = z.object({
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe("Skip this many items (of those that pass `state`): `next` of an earlier answer"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ITEMS_PAGE)
    .default(100)
    .describe(`Items per page (≤ ${MAX_ITEMS_PAGE})`),
  state: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(TASK_RUN_STATES)).min(1))
    .optional()
    .describe(`Only items in one of these states (${TASK_RUN_STATES.join(", ")}), comma-separated`),
});
export type ListItemsQuery = z.infer<typeof ListItemsQuerySchema>;

export const MappedItemSchema = z.object({
  /** 0-based: the item's position in the list the task is mapped over. */
  index: z.int(),
  state: z.enum(TASK_RUN_STATES),
  attempts: z.int(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  /** The item's input, cut to 120 characters. */
  input: z.string().nullable(),
  result: z.unknown(),
  error: z.object({ type: z.string(), message: z.string() }).catchall(z.unknown()).nullable(),
  /** For a Cached item whose result was copied from an earlier run (a replay): that run's id. */
  resultFrom: z.string().nullable(),
});
export type MappedItemView = z.infer<typeof MappedItemSchema>;

export const ListItemsResponseSchema = z
  .object({
    /** In item order. */
    items: z.array(MappedItemSchema),
    /** How many items pass the filter (all of the task's without one). */
    total: z.int(),
    /** Pass as `offset` (with the same filter) for the next page; null on the last page. */
    next: z.int().nullable(),
  })
  .meta({ id: "MappedItemPage" });
export type ListItemsResponse = z.infer<typeof ListItemsResponseSchema>;

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
  from: TimeFilterSchema.optional().describe(
    "Runs scheduled at or after this time (ISO-8601; a manual run's trigger time)",
  ),
  until: TimeFilterSchema.optional().describe("Runs scheduled before this time (ISO-8601)"),
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
  /** Why a due run waits for a slot (as FlowRun's); null when nothing holds it back. */
  waitingFor: z.string().nullable(),
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
