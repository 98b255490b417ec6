// /api/v1/storages: the storage blocks (contract/api-v1/storages.ts). Anyone may list them;
// creating and removing are for admins (they hold credentials and decide where data lives).
import {
  CreateStorageRequestSchema,
  ListStoragesResponseSchema,
  StorageNameParamsSchema,
  StorageSchema,
} from "../../../contract/api-v1.ts";
import { createStorage, deleteStorage, listStorages } from "../../storage/storages.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getStorages = route(
  {
    access: "read",
    docs: {
      operationId: "listStorages",
      summary: "List the storages: the built-in local folder and S3-compatible buckets",
      tag: "Storage",
      responses: { 200: { description: "The storages", schema: ListStoragesResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => json(200, { storages: await listStorages(db) }),
);

export const postStorage = route(
  {
    access: "admin",
    body: CreateStorageRequestSchema,
    docs: {
      operationId: "createStorage",
      summary: "Create an S3-compatible storage (admins)",
      description:
        "The credentials are kept as two secrets (STORAGE_<NAME>_ACCESS_KEY_ID and STORAGE_<NAME>_SECRET_ACCESS_KEY) and never returned. Unless `verify` is false, the bucket is reached with them first and a refusal is reported with the storage's own words. Deployments choose a storage with `storage`.",
      tag: "Storage",
      responses: { 201: { description: "The storage", schema: StorageSchema } },
      errors: [400, 403, 409],
    },
  },
  async ({ db, body, actor }) => json(201, await createStorage(db, body, actor)),
);

export const deleteStorageRoute = route(
  {
    access: "admin",
    params: StorageNameParamsSchema,
    docs: {
      operationId: "deleteStorage",
      summary: "Remove a storage no deployment and no result uses (admins)",
      tag: "Storage",
      responses: { 204: { description: "Removed" } },
      errors: [403, 404, 409],
    },
  },
  async ({ db, params, actor }) => {
    await deleteStorage(db, params.name, actor);
    return new Response(null, { status: 204 });
  },
);
