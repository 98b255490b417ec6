// /api/v1/flows: import a flow file (JSON, or YAML with Content-Type: application/yaml), list flows.
import * as z from "zod";
import {
  FlowVersionResponseSchema,
  ImportFlowResponseSchema,
  ListFlowsResponseSchema,
} from "../../../contract/api-v1.ts";
import { toFlowFileInput } from "../../../contract/flow-file/export.ts";
import { environmentLockViews } from "../../flows/environment-locks.ts";
import { getFlowVersionView } from "../../flows/get-flow.ts";
import { FlowFileSchema } from "../../../contract/flow-file/schema.ts";
import { PipebookError } from "../../errors.ts";
import type { FlowFileFormat } from "../../../contract/flow-file/parse.ts";
import { listFlows } from "../../flows/list-flows.ts";
import { importFlowFile } from "../../flows/save-flow.ts";
import { route, readText } from "../handler.ts";
import { json } from "../respond.ts";

const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];
// What curl -d and friends send when nobody says otherwise: read the text and tell by its look.
const SNIFFED_TYPES = [
  "",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
];

function formatOf(contentType: string | null, text: string): FlowFileFormat {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (YAML_TYPES.includes(type)) return "yaml";
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (SNIFFED_TYPES.includes(type)) return text.trimStart().startsWith("{") ? "json" : "yaml";
  throw new PipebookError(
    "unsupported_media_type",
    `a flow file is sent as application/json or application/yaml, not ${type}`,
  );
}

export const importFlow = route(
  {
    access: "edit",
    docs: {
      operationId: "importFlow",
      summary: "Import a flow file: a new version when its content changed, else the same one",
      tag: "Flows",
      requestBody: { "application/json": FlowFileSchema, "application/yaml": FlowFileSchema },
      responses: {
        201: {
          description: "The flow and its (new or unchanged) latest version",
          schema: ImportFlowResponseSchema,
        },
      },
      errors: [400, 413, 415],
    },
  },
  async ({ request, db, actor }) => {
    const text = await readText(request);
    if (!text.trim()) throw new PipebookError("bad_request", "the body is empty: send a flow file");
    const format = formatOf(request.headers.get("content-type"), text);
    const saved = await importFlowFile(db, { text, format, actor });
    return json(201, {
      id: saved.id,
      name: saved.name,
      version: saved.version,
      created: saved.created,
    });
  },
);

export const getFlows = route(
  {
    access: "read",
    docs: {
      operationId: "listFlows",
      summary: "List flows with their latest version",
      tag: "Flows",
      responses: { 200: { description: "The flows", schema: ListFlowsResponseSchema } },
      errors: [],
    },
  },
  async ({ db, config }) => {
    const flows = await listFlows(db, { lateAfterMs: config.lateAfterMs });
    return json(200, {
      flows: flows.map((f) => ({
        id: f.id,
        name: f.name,
        version: f.version,
        description: f.description,
        updatedAt: f.updatedAt.toISOString(),
      })),
    });
  },
);

const FlowVersionParams = z.object({
  name: z.string().describe("The flow's name"),
  version: z
    .string()
    .regex(/^(\d+|latest)$/, "must be a version number or latest")
    .describe("A version number, or latest"),
});

export const getFlowVersion = route(
  {
    access: "read",
    params: FlowVersionParams,
    docs: {
      operationId: "getFlowVersion",
      summary: "Read a flow version: its flow file and its dependency locks",
      description:
        "`environments` lists each distinct dependency set the version's tasks install, with the exact versions the first build on an agent resolved (`resolved`, null until then): later runs install exactly those.",
      tag: "Flows",
      responses: { 200: { description: "The flow version", schema: FlowVersionResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => {
    const view = await getFlowVersionView(
      db,
      params.name,
      params.version === "latest" ? undefined : Number(params.version),
    );
    return json(200, {
      name: view.name,
      version: view.version,
      latestVersion: view.latestVersion,
      createdAt: view.createdAt,
      createdBy: view.createdBy,
      flowFile: toFlowFileInput(view.spec),
      environments: await environmentLockViews(db, view.versionId, view.spec),
    });
  },
);
