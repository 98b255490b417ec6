// The run page's data: the run whole, then its changes live (a subscription over SSE fed by the
// event bus, so it also works when the agent reports to another replica), and one task's
// detail and result when its panel opens.
import { tracked } from "@trpc/server";
import * as z from "zod";
import { getRunPage } from "../../runs/run-page/get-run-page.ts";
import { getTaskDetail, getTaskResult } from "../../runs/run-page/get-task-detail.ts";
import { HistoryCursorSchema } from "../../runs/history-cursor.ts";
import { listTaskItems, MAX_ITEMS_PAGE } from "../../runs/items/list-items.ts";
import { watchRun } from "../../runs/run-page/watch-run.ts";
import { TASK_RUN_STATES } from "../../../contract/run-states.ts";
import { MAX_MAP_ITEMS } from "../../../contract/agent-protocol.ts";
import { listArtifacts } from "../../artifacts/list-artifacts.ts";
import { readProcedure, router } from "../init.ts";

const RunId = z.object({ id: z.string().min(1).max(100) });
const TaskRef = RunId.extend({
  task: z.string().min(1).max(100),
  /** A mapped task's item; absent for the task itself. */
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
});

export const runPageRouter = router({
  get: readProcedure.input(RunId).query(({ ctx, input }) =>
    getRunPage(ctx.db, input.id, {
      lateAfterMs: ctx.config.lateAfterMs,
      leaseMs: ctx.config.agents.leaseMs,
    }),
  ),

  /**
   * What changed after `cursor` (from `get`), as it happens. Each message is tracked by its
   * cursor: a browser that reconnects resumes from the last one it received.
   */
  live: readProcedure
    .input(
      RunId.extend({ cursor: HistoryCursorSchema, lastEventId: HistoryCursorSchema.nullish() }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const changes = watchRun(ctx.db, input.id, input.lastEventId ?? input.cursor, {
        lateAfterMs: ctx.config.lateAfterMs,
        leaseMs: ctx.config.agents.leaseMs,
        signal,
      });
      for await (const change of changes) yield tracked(change.cursor, change);
    }),

  task: readProcedure
    .input(TaskRef)
    .query(({ ctx, input }) => getTaskDetail(ctx.db, input.id, input.task, input.item)),

  taskResult: readProcedure
    .input(TaskRef)
    .query(({ ctx, input }) => getTaskResult(ctx.db, input.id, input.task, input.item)),

  /** A page of a mapped task's items in item order (the panel's virtualised item list). */
  items: readProcedure
    .input(
      RunId.extend({
        task: z.string().min(1).max(100),
        offset: z.int().min(0).max(MAX_MAP_ITEMS),
        limit: z.int().min(1).max(MAX_ITEMS_PAGE).default(200),
        state: z.enum(TASK_RUN_STATES).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      listTaskItems(ctx.db, input.id, input.task, {
        offset: input.offset,
        limit: input.limit,
        ...(input.state ? { states: [input.state] } : {}),
      }),
    ),

  /** The run's artifacts (of one task when `task` is given), each with its download path. */
  artifacts: readProcedure
    .input(RunId.extend({ task: z.string().min(1).max(100).optional() }))
    .query(({ ctx, input }) =>
      listArtifacts(ctx.db, input.id, input.task === undefined ? {} : { task: input.task }),
    ),
});
