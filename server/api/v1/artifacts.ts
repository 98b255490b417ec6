// /api/v1/flow-runs/{id}/artifacts: the files a run's tasks left — listed, downloaded (streamed,
// with the headers of server/artifacts/open-artifact.ts) — and the agent protocol's record of
// the ones an attempt uploaded.
import { Readable } from "node:stream";
import * as z from "zod";
import {
  ArtifactsRecordRequestSchema,
  ArtifactsRecordResponseSchema,
} from "../../../contract/agent-protocol.ts";
import { ArtifactListSchema } from "../../../contract/api-v1.ts";
import { requireRunOfCaller } from "../../agents/agent-access.ts";
import { listArtifacts } from "../../artifacts/list-artifacts.ts";
import { artifactHeaders, openArtifact } from "../../artifacts/open-artifact.ts";
import { recordArtifacts } from "../../artifacts/record-artifacts.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const RunId = z.object({ id: z.string().describe("The flow run's id") });

export const getArtifacts = route(
  {
    access: "read",
    params: RunId,
    query: z.object({ task: z.string().optional().describe("Only this task's artifacts") }),
    docs: {
      operationId: "listArtifacts",
      summary: "List a flow run's artifacts: task, size, type and download path of each",
      tag: "Flow runs",
      responses: { 200: { description: "The run's artifacts", schema: ArtifactListSchema } },
      errors: [404],
    },
  },
  async ({ db, params, query }) =>
    json(200, { artifacts: await listArtifacts(db, params.id, query) }),
);

export const getArtifact = route(
  {
    access: "read",
    params: RunId.extend({ artifactId: z.string().describe("The artifact's id (from the list)") }),
    docs: {
      operationId: "downloadArtifact",
      summary: "Download an artifact (always as an attachment, sandboxed, never sniffed)",
      tag: "Flow runs",
      responses: {
        200: {
          description: "The artifact's bytes, with its content type",
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
      },
      errors: [404],
    },
  },
  async ({ db, params }) => {
    const { stream, ...artifact } = await openArtifact(db, params.id, params.artifactId);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      status: 200,
      headers: artifactHeaders(artifact),
    });
  },
);

export const postArtifactsRecord = route(
  {
    access: "agent",
    params: RunId,
    body: ArtifactsRecordRequestSchema,
    docs: {
      operationId: "recordArtifacts",
      summary: "Record the artifacts an attempt of a run this agent holds uploaded",
      tag: "Agent protocol",
      responses: {
        200: { description: "How many were new", schema: ArtifactsRecordResponseSchema },
      },
      errors: [400, 403, 404, 409],
    },
  },
  async ({ db, params, body, principal }) => {
    await requireRunOfCaller(db, params.id, principal);
    return json(200, await recordArtifacts(db, params.id, body));
  },
);
