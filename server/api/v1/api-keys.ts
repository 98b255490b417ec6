// /api/v1/api-keys: a caller's keys (an admin's: everyone's) — list, create (the key is in this
// answer only), revoke.
import * as z from "zod";
import {
  ApiKeySchema,
  CreateApiKeyRequestSchema,
  CreateApiKeyResponseSchema,
  ListApiKeysResponseSchema,
} from "../../../contract/api-v1.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getApiKeys = route(
  {
    access: "read",
    docs: {
      operationId: "listApiKeys",
      summary: "List your API keys (an admin sees everyone's); never the keys themselves",
      tag: "API keys",
      responses: { 200: { description: "The keys", schema: ListApiKeysResponseSchema } },
      errors: [],
    },
  },
  async ({ db, principal }) => json(200, { apiKeys: await listApiKeys(db, principal) }),
);

export const postApiKey = route(
  {
    access: "read",
    body: CreateApiKeyRequestSchema,
    docs: {
      operationId: "createApiKey",
      summary: "Create an API key for yourself, or (admins) an agent key for some work queues",
      description:
        "Anyone signed in may create keys for themselves, with their role or a lower one. The key is in this answer only: it is stored as a hash.",
      tag: "API keys",
      responses: {
        201: { description: "The key (shown once)", schema: CreateApiKeyResponseSchema },
      },
      errors: [],
    },
  },
  async ({ db, principal, body }) => json(201, await createApiKey(db, principal, body)),
);

export const postRevokeApiKey = route(
  {
    access: "read",
    params: z.object({ id: z.string().describe("The key's id (from the list)") }),
    docs: {
      operationId: "revokeApiKey",
      summary: "Revoke a key: it stops working at once, and so do sessions signed in with it",
      tag: "API keys",
      responses: { 200: { description: "The revoked key", schema: ApiKeySchema } },
      errors: [404],
    },
  },
  async ({ db, principal, params }) => json(200, await revokeApiKey(db, principal, params.id)),
);
