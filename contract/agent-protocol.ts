// The agent protocol (../DESIGN.md "Agents"): the one contract between the server and agents.
// The server validates requests with these schemas; the agent bundle is built from this same
// file and validates every answer, so the two cannot drift.
//
//   POST /api/v1/agents                      register: who I am, which queues and tags
//   POST /api/v1/agents/{id}/claim           long-poll: hand me up to `capacity` runs
//   POST /api/v1/agents/{id}/heartbeat       renew my leases; wait for a cancel request
//   POST /api/v1/agents/{id}/stop            I am leaving: hand back what I did not start
//   POST /api/v1/flow-runs/{id}/report       a batch of events of a run I hold (by lease)
//   POST /api/v1/flow-runs/{id}/cache        results of earlier runs for these cache keys
//   POST /api/v1/flow-runs/{id}/lock         the versions a dependency build resolved (a lock)
//   GET  /api/v1/run-context/tasks/{task}    a task's declared secrets and variables (by run token)
//   POST /api/v1/flow-runs/{id}/storage/upload    where to PUT a large result (pre-signed URL)
//   POST /api/v1/flow-runs/{id}/storage/download  where to GET a stored result (pre-signed URL)
//   POST /api/v1/flow-runs/{id}/artifacts         record the artifacts an attempt uploaded
import { z } from "zod";
import { TagSchema, WorkQueueNameSchema } from "./api-v1.ts";
import {
  PythonDependenciesSchema,
  TaskSchema,
  TypeScriptDependenciesSchema,
} from "./flow-file/schema.ts";
import { TASK_RUN_STATES } from "./run-states.ts";
import { ArtifactNameSchema, ContentTypeSchema, MAX_ARTIFACTS_PER_ATTEMPT } from "./artifacts.ts";

/**
 * 2: log lines travel in compact blocks (`logs` of a report) rather than as one event each.
 * The server still takes version 1's log events.
 * 3: mapped tasks: `map` events, `item` on task events and log lines, and the claim's `items`.
 * 4: per-flow dependencies (the claim's `dependencies` and `locks`, the lock report); large
 *    results (`stored` on task events, completed tasks and cache hits; storage transfers); a
 *    cache hit's `source`. (One version: they were released together.)
 * 5: artifacts: `artifact` on a storage upload request, and the artifacts record.
 */
export const AGENT_PROTOCOL_VERSION = 5;

const isoTime = z.iso.datetime();

/** Where a run's tasks execute (../DESIGN.md "Runners"). */
export const RUNNER_KINDS = ["process", "docker", "kubernetes", "dask"] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];
const uuid = z.uuid();

/** Longest a claim or heartbeat may wait on the server (agents' HTTP timeouts exceed this). */
export const MAX_WAIT_MS = 30_000;
/** A log line longer than this is cut by the agent (and refused by the server). */
export const MAX_LOG_LINE = 64 * 1024;
/**
 * A result up to this size (as JSON) travels in the report and lives in the database; a larger
 * one is uploaded by the agent to the run's storage and only referenced (`stored`).
 */
export const INLINE_RESULT_BYTES = 256 * 1024;
/** Items a mapped task may have in one run. */
export const MAX_MAP_ITEMS = 100_000;
/** An item's input as the studio's item list shows it: cut to this many characters. */
export const MAX_INPUT_PREVIEW = 120;
/** Item previews in one map event: a larger fan-out is announced in several events. */
export const MAX_PREVIEWS_PER_EVENT = 2_000;
/** Events in one report; the agent splits larger backlogs. */
export const MAX_EVENTS_PER_REPORT = 2_000;
/** Log lines in one report's blocks (~1 MB of typical lines; the body limit is 10 MB). */
export const MAX_LOG_LINES_PER_REPORT = 20_000;

// ---------------------------------------------------------------- register

export const RegisterAgentRequestSchema = z.strictObject({
  name: z.string().min(1).max(200),
  hostname: z.string().max(255).default(""),
  version: z.string().max(100).default(""),
  protocol: z.int().default(AGENT_PROTOCOL_VERSION),
  queues: z.array(WorkQueueNameSchema).min(1, "an agent serves at least one work queue").max(50),
  tags: z.array(TagSchema).max(50).default([]),
  concurrency: z.int().min(1).max(1000).default(1),
});
export type RegisterAgentRequest = z.input<typeof RegisterAgentRequestSchema>;

export const RegisterAgentResponseSchema = z.object({
  id: uuid,
  heartbeatIntervalMs: z.int(),
  leaseMs: z.int(),
  claimWaitMs: z.int(),
});
export type RegisterAgentResponse = z.infer<typeof RegisterAgentResponseSchema>;

// ---------------------------------------------------------------- dependency locks

/** Longest a lock may be, as JSON (a package-lock.json of a few hundred packages is ~200 KB). */
export const MAX_LOCK_BYTES = 2 * 1024 * 1024;

/**
 * The exact versions a dependency build resolved: `pip freeze`'s lines for Python; for
 * TypeScript each installed package's version by its path in node_modules, and the
 * package-lock.json that `npm ci` installs again exactly.
 */
export const EnvironmentLockSchema = z.discriminatedUnion("language", [
  z.strictObject({
    language: z.literal("python"),
    requirements: z.array(z.string().max(1000)).max(10_000),
  }),
  z.strictObject({
    language: z.literal("typescript"),
    packages: z.record(z.string().max(1000), z.string().max(200)),
    packageLock: z.record(z.string(), z.unknown()),
  }),
]);
export type EnvironmentLock = z.infer<typeof EnvironmentLockSchema>;

export const LockReportRequestSchema = z
  .strictObject({
    leaseId: uuid,
    /** The environment's spec hash (contract/flow-file/environment-spec.ts). */
    specHash: z.string().regex(/^[0-9a-f]{32}$/, "must be an environment spec hash"),
    lock: EnvironmentLockSchema,
  })
  .refine((r) => JSON.stringify(r.lock).length <= MAX_LOCK_BYTES, {
    message: `a lock is at most ${MAX_LOCK_BYTES / 1024 / 1024} MB as JSON`,
    path: ["lock"],
  });
export type LockReportRequest = z.infer<typeof LockReportRequestSchema>;

export const LockReportResponseSchema = z.object({
  /** False when a lock was recorded before (by another run or agent): `lock` is that one. */
  recorded: z.boolean(),
  lock: EnvironmentLockSchema,
});
export type LockReportResponse = z.infer<typeof LockReportResponseSchema>;

// ---------------------------------------------------------------- claim

export const ClaimRequestSchema = z.strictObject({
  capacity: z.int().min(1).max(100),
  waitMs: z.int().min(0).max(MAX_WAIT_MS).default(25_000),
});
export type ClaimRequest = z.input<typeof ClaimRequestSchema>;

/** A task as the agent executes it: the flow file's task with its code ready to run. */
export const ExecutableTaskSchema = TaskSchema.extend({
  /** JavaScript for TypeScript cells (compiled at save), the source for the others. */
  code: z.string(),
}).strip();
export type ExecutableTask = z.infer<typeof ExecutableTaskSchema>;

/** An item of a `mapFailure: continue` task that did not complete, as its downstream sees it. */
export const MapFailureSchema = z.object({
  index: z.int().min(0),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type MapFailure = z.infer<typeof MapFailureSchema>;

/**
 * A result kept in a storage rather than the database: which storage (null: the server's local
 * folder), its key there, and its size as JSON. The agent fetches it through
 * /storage/download; it never holds the storage's credentials.
 */
export const StoredResultSchema = z.object({
  storage: uuid.nullable(),
  key: z.string().min(1).max(1024),
  sizeBytes: z.int().min(0),
});
export type StoredResult = z.infer<typeof StoredResultSchema>;

export const CompletedTaskSchema = z.object({
  state: z.enum(["Completed", "Cached"]),
  /** The value; null when `stored` says where it is. */
  result: z.unknown(),
  stored: StoredResultSchema.optional(),
  /** A completed `mapFailure: continue` task's failed items. */
  failures: z.array(MapFailureSchema).optional(),
});

/** What a resumed run's mapped task kept from earlier attempts: done items and attempt counts. */
export const PriorItemsSchema = z.object({
  /** By item index: the items that completed (not run again, their results reused). */
  completed: z.record(z.string(), CompletedTaskSchema),
  /** By item index: attempts each item made; numbering continues from there. */
  attempts: z.record(z.string(), z.int()),
});
export type PriorItems = z.infer<typeof PriorItemsSchema>;

export const ClaimedRunSchema = z.object({
  flowRunId: uuid,
  leaseId: uuid,
  leaseExpiresAt: isoTime,
  /** 1 for the first execution; more for a flow-level retry, which resumes. */
  attempt: z.int(),
  flow: z.object({ name: z.string(), version: z.int() }),
  /** id null for a notebook cell run started without a deployment. */
  deployment: z.object({ id: uuid.nullable(), name: z.string() }),
  runner: z.object({
    kind: z.enum(RUNNER_KINDS),
    image: z.string().nullable(),
    /** For `dask`: the scheduler's address (tcp://host:8786); null to use the agent's own. */
    daskScheduler: z.string().nullable().optional(),
  }),
  parameters: z.record(z.string(), z.unknown()),
  /** When the run was to start: its slot for a scheduled run. (Absent from older servers.) */
  scheduledAt: isoTime.optional(),
  /** In topological order. */
  tasks: z.array(ExecutableTaskSchema),
  /** Tasks that completed in an earlier attempt: not run again, their results reused. */
  completed: z.record(z.string(), CompletedTaskSchema),
  /** Attempts each task made in earlier attempts of the flow run; numbering continues from there. */
  priorAttempts: z.record(z.string(), z.int()),
  /** Mapped tasks that did not complete in an earlier attempt: what their items kept, by task. */
  items: z.record(z.string(), PriorItemsSchema).default({}),
  /**
   * This claim's run token: it opens the run's task context (declared secrets and variables) and
   * nothing else, and stops working when the run ends, its lease lapses or it is claimed again.
   * The agent keeps it; tasks get the values, never the token. (Absent from older servers.)
   */
  runToken: z.string().optional(),
  /** The flow's own dependencies (a task's `python` / `typescript` replaces them for that task). */
  dependencies: z
    .object({
      python: PythonDependenciesSchema.optional(),
      typescript: TypeScriptDependenciesSchema.optional(),
    })
    .default({}),
  /** Locks recorded for this flow version, by environment spec hash: install exactly these. */
  locks: z.record(z.string(), EnvironmentLockSchema).default({}),
});
export type ClaimedRun = z.infer<typeof ClaimedRunSchema>;

export const ClaimResponseSchema = z.object({ runs: z.array(ClaimedRunSchema) });
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

// ---------------------------------------------------------------- task context

/**
 * GET /api/v1/run-context/tasks/{task}, with `Authorization: Bearer <run token>`: the secrets and
 * variables the task declares, by name — asked by the agent as each attempt starts.
 */
export const TaskContextResponseSchema = z.object({
  secrets: z.record(z.string(), z.string()),
  variables: z.record(z.string(), z.unknown()),
});
export type TaskContext = z.infer<typeof TaskContextResponseSchema>;

// ---------------------------------------------------------------- heartbeat

export const HeartbeatRequestSchema = z.strictObject({
  /** The runs this agent holds. */
  runs: z.array(uuid).max(1000),
  /** Answer early if a cancel arrives; otherwise after this long (leases are renewed at once). */
  waitMs: z.int().min(0).max(MAX_WAIT_MS).default(0),
});
export type HeartbeatRequest = z.input<typeof HeartbeatRequestSchema>;

export const HeartbeatRunStatusSchema = z.object({
  flowRunId: uuid,
  /** ok: carry on; cancel: stop its tasks and report Cancelled; lost: the lease is gone, drop it. */
  status: z.enum(["ok", "cancel", "lost"]),
});

export const HeartbeatResponseSchema = z.object({ runs: z.array(HeartbeatRunStatusSchema) });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

// ---------------------------------------------------------------- stop

export const StopAgentRequestSchema = z.strictObject({
  /** Claimed runs that never started: they go back to their queue for another agent. */
  release: z.array(uuid).max(1000).default([]),
});
export const StopAgentResponseSchema = z.object({ released: z.array(uuid) });

// ---------------------------------------------------------------- report

export const TaskErrorSchema = z
  .object({
    type: z.string().max(200),
    message: z.string().max(MAX_LOG_LINE),
    traceback: z
      .string()
      .max(256 * 1024)
      .optional(),
    /** For NotRun: the upstream task that did not complete. */
    upstream: z.string().optional(),
  })
  .catchall(z.unknown());
export type TaskError = z.infer<typeof TaskErrorSchema>;

export const FlowEventSchema = z.strictObject({
  type: z.literal("flow"),
  state: z.enum(["Running", "Completed", "Failed", "Cancelled"]),
  at: isoTime,
  message: z.string().max(MAX_LOG_LINE).optional(),
  error: TaskErrorSchema.optional(),
});

export const TaskEventSchema = z.strictObject({
  type: z.literal("task"),
  task: z.string(),
  /** For a mapped task: the item (0-based) this event is about; absent for the task itself. */
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  state: z.enum(TASK_RUN_STATES).exclude(["Pending"]),
  at: isoTime,
  /** The attempt this event belongs to (1-based; 0 for a task that never ran). */
  attempt: z.int().min(0),
  message: z.string().max(MAX_LOG_LINE).optional(),
  error: TaskErrorSchema.optional(),
  /** With Retrying: when the next attempt starts. */
  nextAttemptAt: isoTime.optional(),
  /** With Completed or Cached: the task's return value. */
  result: z.unknown().optional(),
  /** With Completed or Cached, instead of `result`: a large result the agent put in storage. */
  stored: StoredResultSchema.optional(),
  /** With Completed, for tasks with a cache policy. */
  cache: z.object({ key: z.string().max(200), expiresAt: isoTime.nullable() }).optional(),
  /** With Cached by a cache policy: the task run whose result was reused (a cache hit's `source`). */
  cachedFrom: uuid.optional(),
});

/**
 * A mapped task's items, announced when it starts (before any item's events): the server makes
 * a task run for each, with its input's preview. A fan-out of more than MAX_PREVIEWS_PER_EVENT
 * items comes as several events, `from` counting up; each names the whole `count`.
 */
export const MapEventSchema = z.strictObject({
  type: z.literal("map"),
  task: z.string(),
  at: isoTime,
  count: z.int().min(0).max(MAX_MAP_ITEMS),
  from: z.int().min(0).max(MAX_MAP_ITEMS),
  /** Items from..from+previews.length-1: each one's input, cut to MAX_INPUT_PREVIEW characters. */
  previews: z.array(z.string().max(MAX_INPUT_PREVIEW)).max(MAX_PREVIEWS_PER_EVENT),
});

const LogLevelSchema = z.enum(["debug", "info", "warning", "error"]);

export const LogEventSchema = z.strictObject({
  type: z.literal("log"),
  task: z.string().nullable(),
  /** A mapped task's item that printed the line. */
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  attempt: z.int().min(0).nullable(),
  level: LogLevelSchema,
  message: z.string().max(MAX_LOG_LINE),
  at: isoTime,
});

export const ReportEventSchema = z.discriminatedUnion("type", [
  FlowEventSchema,
  TaskEventSchema,
  MapEventSchema,
  LogEventSchema,
]);
export type ReportEvent = z.infer<typeof ReportEventSchema>;
export type TaskEvent = z.infer<typeof TaskEventSchema>;
export type FlowEvent = z.infer<typeof FlowEventSchema>;
export type LogEvent = z.infer<typeof LogEventSchema>;
export type MapEvent = z.infer<typeof MapEventSchema>;

/**
 * Consecutive log lines of one task attempt and level, in the order they were printed: the
 * compact form of a busy task's output. Its fields are plain arrays, so the server checks
 * 20,000 lines in a few milliseconds (an object per line took ~10 times longer to validate).
 */
export const LogBlockSchema = z
  .strictObject({
    /** null for lines of the run itself (the agent's own messages). */
    task: z.string().nullable(),
    /** A mapped task's item that printed the lines. */
    item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
    attempt: z.int().min(0).nullable(),
    level: LogLevelSchema,
    /** When the first line was read, in milliseconds since the epoch. */
    at: z.int().min(0),
    /** Each line's milliseconds after `at`, one per line. */
    offsets: z.array(z.int().min(0)),
    lines: z.array(z.string().max(MAX_LOG_LINE)).min(1),
  })
  .refine((block) => block.offsets.length === block.lines.length, {
    message: "a log block has one offset per line",
    path: ["offsets"],
  });
export type LogBlock = z.infer<typeof LogBlockSchema>;

export const ReportRequestSchema = z
  .strictObject({
    leaseId: uuid,
    /**
     * 1, 2, 3… per lease. A batch the server already applied is acknowledged again without
     * applying it twice, so an agent that lost an answer simply sends the batch again.
     */
    seq: z.int().min(1),
    /** State changes (and, from agents of protocol 1, log lines) in the order they happened. */
    events: z.array(ReportEventSchema).max(MAX_EVENTS_PER_REPORT),
    /**
     * Log lines, in order, after the log events of `events`. A batch carries every line printed
     * before its last state change, so a run's final state never arrives before its last lines.
     */
    logs: z.array(LogBlockSchema).default([]),
  })
  .refine(
    (report) =>
      report.logs.reduce((sum, block) => sum + block.lines.length, 0) <= MAX_LOG_LINES_PER_REPORT,
    { message: `a report carries at most ${MAX_LOG_LINES_PER_REPORT} log lines`, path: ["logs"] },
  );
export type ReportRequest = z.infer<typeof ReportRequestSchema>;
export type ReportRequestInput = z.input<typeof ReportRequestSchema>;

export const ReportResponseSchema = z.object({
  /** False when this batch had been applied before (a re-send). */
  applied: z.boolean(),
  /** True when someone asked to cancel the run: stop its tasks and report Cancelled. */
  cancel: z.boolean(),
});
export type ReportResponse = z.infer<typeof ReportResponseSchema>;

// ---------------------------------------------------------------- cache

export const CacheLookupRequestSchema = z.strictObject({
  leaseId: uuid,
  keys: z.array(z.string().max(200)).min(1).max(1000),
});
export const CacheLookupResponseSchema = z.object({
  /**
   * No hit at all for a run started with "refresh caches". `source`: the task run that made the
   * result (absent from older servers); the agent names it when it reports the task Cached.
   * `stored`: a large result, in storage.
   */
  hits: z.record(
    z.string(),
    z.object({
      result: z.unknown(),
      source: uuid.optional(),
      stored: StoredResultSchema.optional(),
    }),
  ),
});

// ---------------------------------------------------------------- storage

/**
 * Where to send a large result: a short-lived URL (pre-signed for S3; the server's own streaming
 * endpoint for the local folder) and the headers to send with it. A relative URL is on the server.
 */
export const StorageTransferSchema = z.object({
  url: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type StorageTransfer = z.infer<typeof StorageTransferSchema>;

export const StorageUploadRequestSchema = z.strictObject({
  leaseId: uuid,
  task: z.string().min(1).max(200),
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  attempt: z.int().min(0),
  /** The file's size: the URL is good for exactly this many bytes. */
  sizeBytes: z.int().min(0),
  /** An artifact's upload (artifacts.ts) rather than a large result's: its own key, its type. */
  artifact: z.strictObject({ contentType: ContentTypeSchema }).optional(),
});
export const StorageUploadResponseSchema = StorageTransferSchema.extend({
  /** What to report once the upload succeeded. */
  stored: StoredResultSchema,
});
export type StorageUpload = z.infer<typeof StorageUploadResponseSchema>;

export const StorageDownloadRequestSchema = z.strictObject({
  leaseId: uuid,
  storage: uuid.nullable(),
  key: z.string().min(1).max(1024),
});
export const StorageDownloadResponseSchema = StorageTransferSchema;

// ---------------------------------------------------------------- artifacts

/**
 * The artifacts an attempt left in $PIPEBOOK_ARTIFACTS, each uploaded through /storage/upload
 * (with `artifact`) first: recorded in one request when the attempt ends. Sent again after a lost
 * answer, it records nothing twice (an artifact is one per task, item, attempt and name).
 */
export const ArtifactsRecordRequestSchema = z.strictObject({
  leaseId: uuid,
  task: z.string().min(1).max(200),
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  attempt: z.int().min(1),
  artifacts: z
    .array(
      z.strictObject({
        name: ArtifactNameSchema,
        contentType: ContentTypeSchema,
        stored: StoredResultSchema,
      }),
    )
    .min(1)
    .max(MAX_ARTIFACTS_PER_ATTEMPT),
});
export type ArtifactsRecordRequest = z.infer<typeof ArtifactsRecordRequestSchema>;
export const ArtifactsRecordResponseSchema = z.object({ recorded: z.int().min(0) });
