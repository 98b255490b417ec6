// The run page's log viewer: random access to lines by number (the unfiltered, virtualised view),
// filtered pages forwards and backwards, and the tail — all read on the server.
import * as z from "zod";
import { LogLevelSchema, MAX_DB_INT } from "../../../contract/api-v1.ts";
import { MAX_MAP_ITEMS } from "../../../contract/agent-protocol.ts";
import { listFlowRunLogs } from "../../runs/list-logs.ts";
import { readLogWindow } from "../../runs/logs/read-logs.ts";
import { readProcedure, router } from "../init.ts";

const MAX_LINES = 5_000;
// Line numbers are PostgreSQL integers.
const line = z.int().min(1).max(MAX_DB_INT);
const Filters = z.object({
  task: z.string().min(1).max(200).optional(),
  /** With task, a mapped task: only this item's lines. */
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  levels: z.array(LogLevelSchema).max(4).optional(),
  q: z.string().min(1).max(200).optional(),
});

export const logsRouter = router({
  /** Lines [from, to) of the run (at most 5,000), with the run's line count. */
  window: readProcedure
    .input(
      z
        .object({ runId: z.string().min(1), from: line, to: line })
        .refine((w) => w.to > w.from && w.to - w.from <= MAX_LINES, {
          message: `a window is 1 to ${MAX_LINES} lines: from < to ≤ from + ${MAX_LINES}`,
        }),
    )
    .query(({ ctx, input }) => readLogWindow(ctx.db, input.runId, input)),

  /** Lines passing the filters: after a line (forwards) or before one (backwards). */
  search: readProcedure
    .input(
      Filters.extend({
        runId: z.string().min(1),
        after: z.int().min(0).max(MAX_DB_INT).optional(),
        before: line.optional(),
        limit: z.int().min(1).max(MAX_LINES).default(200),
      }),
    )
    .query(({ ctx, input }) => listFlowRunLogs(ctx.db, input.runId, input)),

  /** The last `limit` lines passing the filters; follow on with `search` from `next`. */
  tail: readProcedure
    .input(
      Filters.extend({
        runId: z.string().min(1),
        limit: z.int().min(1).max(MAX_LINES).default(200),
      }),
    )
    .query(({ ctx, input }) =>
      listFlowRunLogs(ctx.db, input.runId, { ...input, tail: input.limit }),
    ),
});
