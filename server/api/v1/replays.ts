// /api/v1/flow-runs/{id}/retry, /retry-from-failure, /run-from-task and /replay-plan: replaying a
// finished run as a new, linked run that reuses the results that are still valid
// (server/runs/replay/).
import * as z from "zod";
import {
  ReplayPlanQuerySchema,
  ReplayPlanSchema,
  ReplayRequestSchema,
  ReplayResponseSchema,
  RunFromTaskRequestSchema,
  type ReplayKind,
  type ReplayVersion,
} from "../../../contract/api-v1.ts";
import { planReplay, replayFlowRun } from "../../runs/replay/replay-flow-run.ts";
import { route, type RouteContext, type RouteDocs } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string().describe("The id of the flow run to replay") });

const REUSE =
  "The new run is linked to the replayed one (replayOf) and runs on the same deployment, work queue and tags, on the run's own flow version or the flow's latest (version). Tasks that need not run again are Cached with the result of the run that produced it (resultFrom). Refused with 409 while the run has not ended, and with 400 when the plan is impossible (an unknown task, nothing failed, parameters that no longer fit the version).";

const created = (operationId: string, summary: string, description: string): RouteDocs => ({
  operationId,
  summary,
  description: `${description} ${REUSE}`,
  tag: "Flow runs",
  responses: { 201: { description: "The new run and its plan", schema: ReplayResponseSchema } },
  errors: [400, 404, 409],
});

type ReplayBody = { version: ReplayVersion; parameters?: Record<string, unknown>; task?: string };

const replay =
  (kind: ReplayKind) =>
  async ({ db, params, body, actor }: RouteContext<{ id: string }, unknown, ReplayBody>) =>
    json(201, await replayFlowRun(db, { runId: params.id, kind, ...body, actor }));

export const postRetry = route(
  {
    access: "operate",
    params: IdParams,
    body: ReplayRequestSchema,
    docs: created("retryFlowRun", "Retry: run the whole flow again", "Every task runs again."),
  },
  replay("retry"),
);

export const postRetryFromFailure = route(
  {
    access: "operate",
    params: IdParams,
    body: ReplayRequestSchema,
    docs: created(
      "retryFlowRunFromFailure",
      "Retry from failure: run again what did not complete, and its downstream",
      "The tasks that did not complete (Failed, Crashed, Cancelled, NotRun), the tasks that are new or changed in the version, and everything downstream of them run again; the rest is reused.",
    ),
  },
  replay("fromFailure"),
);

export const postRunFromTask = route(
  {
    access: "operate",
    params: IdParams,
    body: RunFromTaskRequestSchema,
    docs: created(
      "runFlowRunFromTask",
      "Run from here: run a task again, with its downstream",
      "The task, everything downstream of it, and any task without a result to reuse run again; the rest is reused.",
    ),
  },
  replay("fromTask"),
);

export const getReplayPlan = route(
  {
    access: "read",
    params: IdParams,
    query: ReplayPlanQuerySchema,
    docs: {
      operationId: "planFlowRunReplay",
      summary: "Preview a replay: which tasks would run again and which results would be reused",
      description: `Creates nothing; refused as the replay itself would be. ${REUSE}`,
      tag: "Flow runs",
      responses: { 200: { description: "The plan", schema: ReplayPlanSchema } },
      errors: [400, 404, 409],
    },
  },
  async ({ db, params, query }) =>
    json(
      200,
      await planReplay(db, {
        runId: params.id,
        kind: query.kind,
        task: query.task,
        version: query.version,
      }),
    ),
);
