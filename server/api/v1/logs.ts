// /api/v1/flow-runs/{id}/logs: a run's log lines by page (forwards, backwards, the tail; by task,
// level and text), and the whole log as a text file.
import * as z from "zod";
import {
  LogFilterQuerySchema,
  LogsQuerySchema,
  LogsResponseSchema,
} from "../../../contract/api-v1.ts";
import { logFilters, listFlowRunLogs } from "../../runs/list-logs.ts";
import { downloadRunLogs } from "../../runs/logs/download-logs.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string().describe("The flow run's id") });

export const getFlowRunLogs = route(
  {
    access: "read",
    params: IdParams,
    query: LogsQuerySchema,
    docs: {
      operationId: "listFlowRunLogs",
      summary: "Read a flow run's log lines in order",
      description:
        "Lines after `after` (forwards; follow a running run with `next` until it is null), the last `limit` before `before` (backwards, with `previous`), or the last `tail` lines. `task`, `level` and `q` filter the lines; each line carries its number in the whole log.",
      tag: "Flow runs",
      responses: { 200: { description: "Log lines", schema: LogsResponseSchema } },
      errors: [400, 404],
    },
  },
  async ({ db, params, query }) =>
    json(200, await listFlowRunLogs(db, params.id, { ...query, ...logFilters(query) })),
);

export const getFlowRunLogDownload = route(
  {
    access: "read",
    params: IdParams,
    query: LogFilterQuerySchema,
    docs: {
      operationId: "downloadFlowRunLogs",
      summary: "Download a flow run's whole log as text",
      description:
        'One line per log line: "2026-11-30T12:00:00.123Z extract#2 WARNING message" (`run` for the run\'s own lines). Streamed; `task`, `level` and `q` filter as for listFlowRunLogs.',
      tag: "Flow runs",
      responses: {
        200: {
          description: "The log as a text file",
          content: { "text/plain": { schema: { type: "string" } } },
        },
      },
      errors: [400, 404],
    },
  },
  async ({ db, params, query }) =>
    new Response(await downloadRunLogs(db, params.id, logFilters(query)), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="run-${params.id}.log"`,
      },
    }),
);
