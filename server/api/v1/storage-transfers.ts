// Large results moving between agents and storages: the agent protocol's two transfer requests,
// and the local storage's own streaming endpoint — what a pre-signed URL is for S3, opened by
// the token in its path (server/storage/local-token.ts), not by an API key.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import * as z from "zod";
import {
  StorageDownloadRequestSchema,
  StorageDownloadResponseSchema,
  StorageUploadRequestSchema,
  StorageUploadResponseSchema,
} from "../../../contract/agent-protocol.ts";
import { requireRunOfCaller } from "../../agents/agent-access.ts";
import { PipebookError } from "../../errors.ts";
import { getSecretKey } from "../../secrets/secret-key.ts";
import { readLocalToken } from "../../storage/local-token.ts";
import { localStore } from "../../storage/storages.ts";
import { downloadTarget, uploadTarget } from "../../storage/transfers.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const RunId = z.object({ id: z.string().describe("The flow run's id") });
const Token = z.object({
  token: z.string().describe("The transfer's token (from /storage/upload or /storage/download)"),
});

export const postStorageUpload = route(
  {
    access: "agent",
    params: RunId,
    body: StorageUploadRequestSchema,
    docs: {
      operationId: "storageUploadTarget",
      summary: "Where to PUT a large result of a run this agent holds",
      tag: "Agent protocol",
      responses: { 200: { description: "A short-lived URL", schema: StorageUploadResponseSchema } },
      errors: [400, 403, 404, 409],
    },
  },
  async ({ db, params, body, principal }) => {
    await requireRunOfCaller(db, params.id, principal);
    return json(200, await uploadTarget(db, params.id, body));
  },
);

export const postStorageDownload = route(
  {
    access: "agent",
    params: RunId,
    body: StorageDownloadRequestSchema,
    docs: {
      operationId: "storageDownloadTarget",
      summary: "Where to GET a stored result this agent's run reads",
      tag: "Agent protocol",
      responses: {
        200: { description: "A short-lived URL", schema: StorageDownloadResponseSchema },
      },
      errors: [400, 403, 404, 409],
    },
  },
  async ({ db, params, body, principal }) => {
    await requireRunOfCaller(db, params.id, principal);
    return json(200, await downloadTarget(db, params.id, body));
  },
);

function grantOf(token: string, method: "PUT" | "GET") {
  const read = readLocalToken(getSecretKey(), token);
  // Like a missing key: the token is this URL's only credential.
  if (!read.ok)
    throw new PipebookError("unauthorized", `this storage URL does not open: ${read.why}`);
  if (read.grant.method !== method) {
    throw new PipebookError(
      "forbidden",
      `this storage URL is for ${read.grant.method}, not ${method}`,
    );
  }
  return read.grant;
}

export const putLocalObject = route(
  {
    access: "public",
    params: Token,
    docs: {
      operationId: "putLocalStorageObject",
      summary: "Upload to the local storage (the URL /storage/upload handed out)",
      tag: "Agent protocol",
      responses: { 204: { description: "Stored" } },
      errors: [400, 403],
      requestBody: { "application/octet-stream": z.string().describe("The object's bytes") },
    },
  },
  async ({ request, params }) => {
    const grant = grantOf(params.token, "PUT");
    // An empty artifact comes with no body at all.
    if (!request.body && grant.sizeBytes)
      throw new PipebookError("bad_request", "the upload has no body");
    const body = request.body
      ? Readable.fromWeb(request.body as NodeReadableStream)
      : Readable.from([]);
    await localStore().write(grant.key, body, grant.sizeBytes ?? 0);
    return new Response(null, { status: 204 });
  },
);

export const getLocalObject = route(
  {
    access: "public",
    params: Token,
    docs: {
      operationId: "getLocalStorageObject",
      summary: "Download from the local storage (the URL /storage/download handed out)",
      tag: "Agent protocol",
      responses: {
        200: {
          description: "The object's bytes",
          content: { "application/json": { schema: { type: "string", format: "binary" } } },
        },
      },
      errors: [403, 404],
    },
  },
  async ({ params }) => {
    const grant = grantOf(params.token, "GET");
    const store = localStore();
    const file = store.fileOf(grant.key);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat) throw new PipebookError("not_found", `stored object ${grant.key} is missing`);
    const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream;
    return new Response(stream, {
      status: 200,
      headers: { "content-type": "application/json", "content-length": String(stat.size) },
    });
  },
);
