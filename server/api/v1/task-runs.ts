// /api/v1/flow-runs/{id}/tasks/{task}: one task of a run — every attempt with its error and
// traceback, its settings, its result (previewed when large) — and its whole result.
import { z } from "zod";
import { TaskRunDetailSchema } from "../../../contract/api-v1.ts";
import { NotFoundError } from "../../errors.ts";
import { getTaskDetail, getTaskResult } from "../../runs/run-page/get-task-detail.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const TaskParams = z.object({
  id: z.string().describe("The flow run's id"),
  task: z.string().describe("The task's name"),
});
const Item = z
  .string()
  .regex(/^\d{1,6}$/, "item is an item's index (0, 1, 2…) of a mapped task")
  .optional()
  .describe("A mapped task's item (0-based): read that item rather than the task as a whole");
const item = (value: string | undefined) => (value === undefined ? undefined : Number(value));

export const getTaskRun = route(
  {
    access: "read",
    params: TaskParams,
    query: z.object({ item: Item }),
    docs: {
      operationId: "getTaskRun",
      summary: "Read one task of a flow run: attempts with errors, settings, result",
      tag: "Flow runs",
      responses: { 200: { description: "The task run", schema: TaskRunDetailSchema } },
      errors: [404],
    },
  },
  async ({ db, params, query }) =>
    json(200, await getTaskDetail(db, params.id, params.task, item(query.item))),
);

export const getTaskRunResult = route(
  {
    access: "read",
    params: TaskParams,
    query: z.object({
      item: Item,
      download: z
        .enum(["1", "true"])
        .optional()
        .describe("Answer as a file download (content-disposition: attachment)"),
    }),
    docs: {
      operationId: "getTaskRunResult",
      summary: "Read a task's whole result (JSON, up to 8 MB)",
      tag: "Flow runs",
      responses: { 200: { description: "The task's return value", schema: z.unknown() } },
      errors: [404],
    },
  },
  async ({ db, params, query }) => {
    const result = await getTaskResult(db, params.id, params.task, item(query.item));
    if (!result) {
      throw new NotFoundError(`result of task "${params.task}" in flow run`, params.id);
    }
    const file = `${params.task}${query.item === undefined ? "" : `-${query.item}`}-${params.id.slice(0, 8)}.json`;
    return json(
      200,
      result.value,
      query.download ? { "content-disposition": `attachment; filename="${file}"` } : undefined,
    );
  },
);
