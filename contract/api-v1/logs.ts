// /api/v1 shapes of a run's log lines.
import * as z from "zod";
import { MAX_MAP_ITEMS } from "../agent-protocol.ts";
import { isoTime } from "./common.ts";

// ---------------------------------------------------------------- logs (the log pipeline)

export const LOG_LEVELS = ["debug", "info", "warning", "error"] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export const LogLineSchema = z.object({
  /** 1, 2, 3… within the run, without gaps: the line's place in the whole log. */
  line: z.int(),
  task: z.string().nullable(),
  /** The item of a mapped task that printed the line; null (or absent) for any other line. */
  item: z.int().nullable().optional(),
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
  item: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_MAP_ITEMS)
    .optional()
    .describe("With `task`, a mapped task: only the lines of this item (0-based)"),
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
