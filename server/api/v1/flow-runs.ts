// /api/v1/flow-runs/{id}: read a run with its task runs, read its logs, cancel it.
import { z } from "zod";
import { LogsQuerySchema } from "../../../contract/api-v1.ts";
import { cancelFlowRun } from "../../runs/cancel-flow-run.ts";
import { getFlowRun } from "../../runs/get-flow-run.ts";
import { getRunHistory } from "../../runs/get-run-history.ts";
import { listFlowRunLogs } from "../../runs/list-logs.ts";
import { waitForFlowRun } from "../../runs/wait-for-run.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string() });

export const getFlowRunById = route(
  { access: "user", params: IdParams },
  async ({ db, params, config }) =>
    json(200, await getFlowRun(db, params.id, { lateAfterMs: config.lateAfterMs })),
);

export const getFlowRunLogs = route(
  { access: "user", params: IdParams, query: LogsQuerySchema },
  async ({ db, params, query }) => json(200, await listFlowRunLogs(db, params.id, query)),
);

export const getFlowRunWait = route(
  {
    access: "user",
    params: IdParams,
    query: z.object({ timeoutSeconds: z.coerce.number().min(0).max(60).default(30) }),
  },
  async ({ db, params, query, config, request }) =>
    json(
      200,
      await waitForFlowRun(db, params.id, {
        timeoutMs: query.timeoutSeconds * 1000,
        lateAfterMs: config.lateAfterMs,
        signal: request.signal,
      }),
    ),
);

export const getFlowRunHistory = route(
  { access: "user", params: IdParams },
  async ({ db, params }) => json(200, await getRunHistory(db, params.id)),
);

export const postCancelFlowRun = route(
  { access: "user", params: IdParams },
  async ({ db, params }) => json(202, await cancelFlowRun(db, params.id)),
);
