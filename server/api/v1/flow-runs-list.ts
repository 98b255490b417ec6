// GET /api/v1/flow-runs: the runs list with the studio's filters (server/runs/list-flow-runs.ts).
import { ListFlowRunsQuerySchema, ListFlowRunsResponseSchema } from "../../../contract/api-v1.ts";
import { listFlowRuns } from "../../runs/list-flow-runs.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getFlowRuns = route(
  {
    access: "read",
    query: ListFlowRunsQuerySchema,
    docs: {
      operationId: "listFlowRuns",
      summary: "List flow runs, newest first, filtered",
      description:
        "Runs newest first by scheduled time (then id), `limit` at a time: pass `next` back as `cursor` for the next page (the order stays stable while new runs arrive). Filters combine: shown states (Late and Paused included), flow, deployment, tags (all of them), scheduled time from/until. `counts` holds the number of runs in each shown state under the same filters without `state`.",
      tag: "Flow runs",
      responses: { 200: { description: "A page of runs", schema: ListFlowRunsResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, query, config }) => {
    const page = await listFlowRuns(
      db,
      {
        states: query.state,
        flow: query.flow,
        deployment: query.deployment,
        tags: query.tag,
        from: query.from ? new Date(query.from) : undefined,
        until: query.until ? new Date(query.until) : undefined,
      },
      { limit: query.limit, cursor: query.cursor, lateAfterMs: config.lateAfterMs },
    );
    return json(200, page);
  },
);
