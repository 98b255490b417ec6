import * as z from "zod";
import {
  FlowRunDisplayStateSchema,
  FlowVersionNumberSchema,
  ParameterValuesSchema,
  ReplayKindSchema,
  ReplayVersionSchema,
  TagSchema,
  TimeFilterSchema,
} from "../../../contract/api-v1.ts";
import { cancelFlowRun } from "../../runs/cancel-flow-run.ts";
import { createCellRun } from "../../runs/create-cell-run.ts";
import { createFlowRun } from "../../runs/create-flow-run.ts";
import { getFlowRun } from "../../runs/get-flow-run.ts";
import { listFlowRuns, MAX_RUNS_PAGE } from "../../runs/list-flow-runs.ts";
import { planReplay, replayFlowRun } from "../../runs/replay/replay-flow-run.ts";
import { editProcedure, operateProcedure, readProcedure, router } from "../init.ts";

const RunId = z.object({ id: z.string().min(1).max(100) });
// The widest "last …" window: a century (a date far before any run, and still a date).
const MAX_SINCE_SECONDS = 100 * 366 * 86_400;

/** Retry (kind retry), Retry from failure (fromFailure) or Run from here (fromTask + task). */
const Replay = RunId.extend({
  kind: ReplayKindSchema,
  task: z.string().min(1).optional(),
  version: ReplayVersionSchema.default("run"),
  /** Parameters for the replay instead of the replayed run's. */
  parameters: ParameterValuesSchema.optional(),
});

export const runsRouter = router({
  /** The runs page: filtered, newest first, paged by cursor; counts on the first page only. */
  list: readProcedure
    .input(
      z.object({
        states: z.array(FlowRunDisplayStateSchema).optional(),
        flow: z.string().min(1).max(200).optional(),
        deployment: z.string().min(1).max(300).optional(),
        tags: z.array(TagSchema).optional(),
        from: TimeFilterSchema.optional(),
        until: TimeFilterSchema.optional(),
        /** A window ending now ("last 24 h"), measured on the server when each page is read. */
        sinceSeconds: z.int().positive().max(MAX_SINCE_SECONDS).optional(),
        cursor: z.string().max(200).nullish(),
        limit: z.int().min(1).max(MAX_RUNS_PAGE).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      listFlowRuns(
        ctx.db,
        {
          states: input.states,
          flow: input.flow,
          deployment: input.deployment,
          tags: input.tags,
          from: input.from ? new Date(input.from) : undefined,
          until: input.until ? new Date(input.until) : undefined,
          sinceMs: input.sinceSeconds ? input.sinceSeconds * 1000 : undefined,
        },
        {
          limit: input.limit,
          cursor: input.cursor ?? undefined,
          counts: !input.cursor,
          lateAfterMs: ctx.config.lateAfterMs,
        },
      ),
    ),

  get: readProcedure.input(RunId).query(({ ctx, input }) =>
    getFlowRun(ctx.db, input.id, {
      lateAfterMs: ctx.config.lateAfterMs,
      leaseMs: ctx.config.agents.leaseMs,
    }),
  ),

  create: operateProcedure
    .input(
      z.object({
        deploymentId: z.string().min(1),
        parameters: ParameterValuesSchema.default({}),
        refreshCaches: z.boolean().default(false),
      }),
    )
    .mutation(({ ctx, input }) =>
      createFlowRun(ctx.db, {
        deploymentId: input.deploymentId,
        parameters: input.parameters,
        actor: ctx.actor,
        leaseMs: ctx.config.agents.leaseMs,
        refreshCaches: input.refreshCaches,
      }),
    ),

  /** "Run cell": one task of a saved version, with its upstream results from earlier runs. */
  runCell: editProcedure
    .input(
      z.object({
        flow: z.string().min(1).max(100),
        version: FlowVersionNumberSchema,
        task: z.string().min(1).max(100),
        parameters: ParameterValuesSchema.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createCellRun(ctx.db, { ...input, actor: ctx.actor })),

  cancel: operateProcedure
    .input(RunId)
    .mutation(({ ctx, input }) => cancelFlowRun(ctx.db, input.id, ctx.actor)),

  /** What a replay would re-run and reuse; creates nothing, refuses as the replay would. */
  replayPlan: readProcedure
    .input(Replay)
    .query(({ ctx, input }) => planReplay(ctx.db, { ...input, runId: input.id })),

  /** Replays a finished run as a new, linked run; answers the new run's id with its plan. */
  replay: operateProcedure
    .input(Replay)
    .mutation(({ ctx, input }) =>
      replayFlowRun(ctx.db, { ...input, runId: input.id, actor: ctx.actor }),
    ),
});
