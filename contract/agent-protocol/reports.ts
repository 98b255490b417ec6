// A run's report batches: the state changes and log lines of a run the agent holds, in order,
// fenced by its lease and numbered so that a re-sent batch is applied once.
import * as z from "zod";
import { isoTime } from "../api-v1/common.ts";
import { TASK_RUN_STATES } from "../run-states.ts";
import { MAX_LOG_LINE, MAX_MAP_ITEMS } from "./common.ts";
import { StoredResultSchema } from "./results.ts";

/** An item's input as the studio's item list shows it: cut to this many characters. */
export const MAX_INPUT_PREVIEW = 120;
/** Item previews in one map event: a larger fan-out is announced in several events. */
export const MAX_PREVIEWS_PER_EVENT = 2_000;
/** Events in one report; the agent splits larger backlogs. */
export const MAX_EVENTS_PER_REPORT = 2_000;
/** Log lines in one report's blocks (~1 MB of typical lines; the body limit is 10 MB). */
export const MAX_LOG_LINES_PER_REPORT = 20_000;

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
  cachedFrom: z.uuid().optional(),
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
    leaseId: z.uuid(),
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
