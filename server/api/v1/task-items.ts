// /api/v1/flow-runs/{id}/tasks/{task}/items: a mapped task's items by page — index, state,
// attempts, times, input preview, result, error — optionally only those in some states.
import * as z from "zod";
import { ListItemsQuerySchema, ListItemsResponseSchema } from "../../../contract/api-v1.ts";
import { listItems } from "../../runs/items/list-items.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getTaskItems = route(
  {
    access: "read",
    params: z.object({
      id: z.string().describe("The flow run's id"),
      task: z.string().describe("The mapped task's name"),
    }),
    query: ListItemsQuerySchema,
    docs: {
      operationId: "listTaskItems",
      summary: "Read a mapped task's items in item order, a page at a time",
      description:
        "Each item is a task run of its own: its index in the mapped list, state, attempts, times, input (cut to 120 characters), result and error. `state` keeps only items in those states (e.g. Failed); follow `next` as `offset` for the next page.",
      tag: "Flow runs",
      responses: { 200: { description: "A page of items", schema: ListItemsResponseSchema } },
      errors: [400, 404],
    },
  },
  async ({ db, params, query }) => json(200, await listItems(db, params.id, params.task, query)),
);
