// /api/v1/flow-runs/{id}/tasks/{task}: one task of a run — every attempt with its error and
// traceback, its settings, its result (previewed when large) — and its whole result; for a
// mapped task, the same of one of its items (`?item=N`).
import * as z from "zod";
import { MAX_MAP_ITEMS } from "../../../contract/agent-protocol.ts";
import { TaskRunDetailSchema } from "../../../contract/api-v1.ts";
import { NotFoundError } from "../../errors.ts";
import { Readable } from "node:stream";
import { getTaskDetail, getTaskResultRow } from "../../runs/run-page/get-task-detail.ts";
import { openStored } from "../../storage/read-stored.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const TaskParams = z.object({
  id: z.string().describe("The flow run's id"),
  task: z.string().describe("The task's name"),
});

const item = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_MAP_ITEMS)
  .optional()
  .describe("For a mapped task: one of its items (0-based) instead of the task as a whole");

export const getTaskRun = route(
  {
    access: "read",
    params: TaskParams,
    query: z.object({ item }),
    docs: {
      operationId: "getTaskRun",
      summary: "Read one task of a flow run: attempts with errors, settings, result",
      tag: "Flow runs",
      responses: { 200: { description: "The task run", schema: TaskRunDetailSchema } },
      errors: [404],
    },
  },
  async ({ db, params, query }) =>
    json(200, await getTaskDetail(db, params.id, params.task, query.item)),
);

export const getTaskRunResult = route(
  {
    access: "read",
    params: TaskParams,
    query: z.object({
      item,
      download: z
        .enum(["1", "true"])
        .optional()
        .describe("Answer as a file download (content-disposition: attachment)"),
    }),
    docs: {
      operationId: "getTaskRunResult",
      summary: "Read a task's whole result (JSON; a large stored one is streamed)",
      tag: "Flow runs",
      responses: { 200: { description: "The task's return value", schema: z.unknown() } },
      errors: [404],
    },
  },
  async ({ db, params, query }) => {
    const result = await getTaskResultRow(db, params.id, params.task, query.item);
    const what = query.item === undefined ? "" : `item ${query.item} of `;
    if (!result) {
      throw new NotFoundError(`result of ${what}task "${params.task}" in flow run`, params.id);
    }
    const suffix = query.item === undefined ? "" : `-${query.item}`;
    const file = `${params.task}${suffix}-${params.id.slice(0, 8)}.json`;
    const disposition = query.download
      ? { "content-disposition": `attachment; filename="${file}"` }
      : undefined;
    if (result.storageKey) {
      // Streamed from its storage: a 1 GB result never sits in the server's memory.
      const stream = await openStored(db, {
        storageId: result.storageId,
        storageKey: result.storageKey,
        sizeBytes: result.sizeBytes,
      });
      return new Response(Readable.toWeb(stream) as ReadableStream, {
        status: 200,
        headers: {
          "content-type": "application/json",
          "content-length": String(result.sizeBytes),
          ...disposition,
        },
      });
    }
    return json(200, result.value, disposition);
  },
);
