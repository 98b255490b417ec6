// /api/v1/flow-runs/{id}: read a run with its task runs, cancel it (its logs: ./logs.ts).
import * as z from "zod";
import {
  CancelFlowRunResponseSchema,
  FlowRunHistoryResponseSchema,
  FlowRunSchema,
} from "../../../contract/api-v1.ts";
import { cancelFlowRun } from "../../runs/cancel-flow-run.ts";
import { getFlowRun } from "../../runs/get-flow-run.ts";
import { getRunHistory } from "../../runs/get-run-history.ts";
import { HistoryCursorSchema } from "../../runs/history-cursor.ts";
import { waitForFlowRun } from "../../runs/wait-for-run.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string().describe("The flow run's id") });

export const getFlowRunById = route(
  {
    access: "read",
    params: IdParams,
    docs: {
      operationId: "getFlowRun",
      summary: "Read a flow run with its task runs",
      tag: "Flow runs",
      responses: { 200: { description: "The flow run", schema: FlowRunSchema } },
      errors: [404],
    },
  },
  async ({ db, params, config }) =>
    json(
      200,
      await getFlowRun(db, params.id, {
        lateAfterMs: config.lateAfterMs,
        leaseMs: config.agents.leaseMs,
      }),
    ),
);

export const getFlowRunWait = route(
  {
    access: "read",
    params: IdParams,
    query: z.object({
      timeoutSeconds: z.coerce
        .number()
        .min(0)
        .max(60)
        .default(30)
        .describe("Answer after this long at the latest"),
    }),
    docs: {
      operationId: "waitForFlowRun",
      summary: "Wait for a flow run to end (answers at once when it has), up to timeoutSeconds",
      tag: "Flow runs",
      responses: {
        200: { description: "The flow run, ended or as it is now", schema: FlowRunSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params, query, config, request }) =>
    json(
      200,
      await waitForFlowRun(db, params.id, {
        timeoutMs: query.timeoutSeconds * 1000,
        lateAfterMs: config.lateAfterMs,
        leaseMs: config.agents.leaseMs,
        signal: request.signal,
      }),
    ),
);

export const getFlowRunHistory = route(
  {
    access: "read",
    params: IdParams,
    query: z.object({
      after: HistoryCursorSchema.optional().describe(
        "Only the state changes after this cursor (`next` of an earlier answer)",
      ),
    }),
    docs: {
      operationId: "getFlowRunHistory",
      summary: "Every state change of a flow run and of its tasks, in order",
      tag: "Flow runs",
      responses: {
        200: { description: "State changes in order", schema: FlowRunHistoryResponseSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params, query }) =>
    json(200, await getRunHistory(db, params.id, { after: query.after })),
);

export const postCancelFlowRun = route(
  {
    access: "operate",
    params: IdParams,
    docs: {
      operationId: "cancelFlowRun",
      summary: "Cancel a flow run (two-phase once an agent holds it)",
      tag: "Flow runs",
      responses: {
        202: {
          description: "Cancelled, or Cancelling until the agent confirms",
          schema: CancelFlowRunResponseSchema,
        },
      },
      errors: [404, 409],
    },
  },
  async ({ db, params, actor }) => json(202, await cancelFlowRun(db, params.id, actor)),
);
