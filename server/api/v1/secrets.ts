// /api/v1/secrets: names, when they changed and who changed them. A value goes in with PUT and
// never comes out of any endpoint: only tasks that declare a secret receive it (run-context.ts).
// Reads: GET /secrets, GET /secrets/{name}. Writes: PUT and DELETE /secrets/{name}.
import {
  ListSecretsResponseSchema,
  SecretNameParamsSchema,
  SecretSchema,
  SetSecretRequestSchema,
  SetSecretResponseSchema,
} from "../../../contract/api-v1.ts";
import { deleteSecret } from "../../secrets/delete-secret.ts";
import { getSecretInfo, listSecrets } from "../../secrets/list-secrets.ts";
import { getSecretKey } from "../../secrets/secret-key.ts";
import { setSecret } from "../../secrets/set-secret.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const tag = "Secrets and variables" as const;

export const getSecrets = route(
  {
    access: "read",
    docs: {
      operationId: "listSecrets",
      summary: "List the secrets: names and who changed them when (never values)",
      tag,
      responses: { 200: { description: "The secrets", schema: ListSecretsResponseSchema } },
      errors: [],
    },
  },
  async ({ db }) => json(200, { secrets: await listSecrets(db) }),
);

export const getSecret = route(
  {
    access: "read",
    params: SecretNameParamsSchema,
    docs: {
      operationId: "getSecret",
      summary: "Read a secret's name and who changed it when (never its value)",
      tag,
      responses: { 200: { description: "The secret", schema: SecretSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getSecretInfo(db, params.name)),
);

export const putSecret = route(
  {
    access: "edit",
    params: SecretNameParamsSchema,
    body: SetSecretRequestSchema,
    docs: {
      operationId: "setSecret",
      summary: "Set a secret's value (encrypted at rest; write-only)",
      description:
        "Creates the secret or replaces its value. The value is encrypted (AES-256-GCM) before it is stored, is never returned by any endpoint, and reaches only tasks that declare the secret (`secrets: [NAME]`), which read it with `get_secret`/`secret()` or, in shell tasks, as `$NAME`. It is masked as *** in every stored log line and result.",
      tag,
      responses: {
        200: { description: "The value was replaced", schema: SetSecretResponseSchema },
        201: { description: "The secret was created", schema: SetSecretResponseSchema },
      },
      errors: [],
    },
  },
  async ({ db, params, body, actor }) => {
    const secret = await setSecret(db, getSecretKey(), {
      name: params.name,
      value: body.value,
      actor,
    });
    return json(secret.created ? 201 : 200, secret);
  },
);

export const deleteSecretRoute = route(
  {
    access: "edit",
    params: SecretNameParamsSchema,
    docs: {
      operationId: "deleteSecret",
      summary: "Delete a secret",
      tag,
      responses: { 204: { description: "Deleted" } },
      errors: [404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteSecret(db, params.name, actor);
    return new Response(null, { status: 204 });
  },
);
