// /api/v1/flows/{name}/storage: the storage a flow's runs write large results to unless a
// deployment chose its own (server/storage/storage-choice.ts). Changing it needs the role that
// edits flows.
import * as z from "zod";
import { FlowStorageSchema, SetFlowStorageRequestSchema } from "../../../contract/api-v1.ts";
import { getFlowStorage, setFlowStorage } from "../../storage/flow-storage.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const FlowNameParams = z.object({ name: z.string().describe("The flow's name") });

export const getFlowStorageRoute = route(
  {
    access: "read",
    params: FlowNameParams,
    docs: {
      operationId: "getFlowStorage",
      summary: "Read a flow's storage and where each of its deployments writes",
      tag: "Flows",
      responses: { 200: { description: "The flow's storage", schema: FlowStorageSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getFlowStorage(db, params.name)),
);

export const putFlowStorageRoute = route(
  {
    access: "edit",
    params: FlowNameParams,
    body: SetFlowStorageRequestSchema,
    docs: {
      operationId: "setFlowStorage",
      summary: "Choose a flow's storage (null or local: none, the default)",
      description:
        "Deployments that did not choose a storage themselves (deployed without `storage`) follow it: a deployment's own choice, else its flow's, else `local`. An unknown storage is a 404 naming the closest one.",
      tag: "Flows",
      responses: { 200: { description: "The flow's storage", schema: FlowStorageSchema } },
      errors: [400, 403, 404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(200, await setFlowStorage(db, params.name, body.storage, actor)),
);
