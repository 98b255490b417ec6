// GET /api/v1/openapi.json: the public API described from the same zod schemas the handlers
// validate with (contract/api-v1.ts, contract/flow-file), so the document cannot drift.
import { z } from "zod";
import * as api from "../../../contract/api-v1.ts";
import { FlowFileSchema } from "../../../contract/flow-file/schema.ts";
import { VERSION } from "../../version.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

type Io = "input" | "output";
const schema = (s: z.ZodType, io: Io = "output") =>
  z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" });

const errorResponses = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description: ERROR_TEXT[code] ?? "error",
        content: { "application/json": { schema: schema(api.ApiErrorSchema) } },
      },
    ]),
  );

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input; the message says what and where",
  401: "Missing or invalid API key",
  404: "Not found",
  409: "The run is in a state that does not allow this",
  413: "Body too large",
  415: "Unsupported content type",
};

const ok = (code: number, description: string, s: z.ZodType) => ({
  [code]: { description, content: { "application/json": { schema: schema(s) } } },
});

const idParam = (what: string) => ({
  name: "id",
  in: "path",
  required: true,
  description: `The ${what}'s id`,
  schema: { type: "string", format: "uuid" },
});

function buildDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Pipebook API",
      version: VERSION,
      description:
        'The public HTTP API of Pipebook for scripts, CI and the CLI. Authenticate with `Authorization: Bearer <API key>`. Errors are `{"error":{"code","message"}}`.',
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A Pipebook API key" },
      },
    },
    paths: {
      "/api/v1/flows": {
        post: {
          summary: "Import a flow file (a new version when its content changed)",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: schema(FlowFileSchema, "input") },
              "application/yaml": { schema: schema(FlowFileSchema, "input") },
            },
          },
          responses: {
            ...ok(
              201,
              "The flow and its (new or unchanged) latest version",
              api.ImportFlowResponseSchema,
            ),
            ...errorResponses(400, 401, 413, 415),
          },
        },
        get: {
          summary: "List flows with their latest version",
          responses: {
            ...ok(200, "The flows", api.ListFlowsResponseSchema),
            ...errorResponses(401),
          },
        },
      },
      "/api/v1/deployments": {
        post: {
          summary: "Create or update a deployment of a flow's latest version",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: schema(api.CreateDeploymentRequestSchema, "input") },
            },
          },
          responses: {
            ...ok(201, "The deployment", api.CreateDeploymentResponseSchema),
            ...errorResponses(400, 401, 404),
          },
        },
        get: {
          summary: "List deployments",
          parameters: [
            {
              name: "flow",
              in: "query",
              schema: { type: "string" },
              description: "Only this flow's",
            },
            {
              name: "name",
              in: "query",
              schema: { type: "string" },
              description: "Only with this name",
            },
          ],
          responses: {
            ...ok(200, "The deployments", api.ListDeploymentsResponseSchema),
            ...errorResponses(401),
          },
        },
      },
      "/api/v1/deployments/{id}": {
        get: {
          summary: "Read a deployment",
          parameters: [idParam("deployment")],
          responses: {
            ...ok(200, "The deployment", api.DeploymentSchema),
            ...errorResponses(401, 404),
          },
        },
      },
      "/api/v1/deployments/{id}/runs": {
        post: {
          summary: "Create a flow run of a deployment",
          parameters: [idParam("deployment")],
          requestBody: {
            content: {
              "application/json": { schema: schema(api.CreateFlowRunRequestSchema, "input") },
            },
          },
          responses: {
            ...ok(201, "The new flow run", api.CreateFlowRunResponseSchema),
            ...errorResponses(400, 401, 404),
          },
        },
      },
      "/api/v1/flow-runs/{id}": {
        get: {
          summary: "Read a flow run with its task runs",
          parameters: [idParam("flow run")],
          responses: { ...ok(200, "The flow run", api.FlowRunSchema), ...errorResponses(401, 404) },
        },
      },
      "/api/v1/flow-runs/{id}/logs": {
        get: {
          summary: "Read a flow run's log lines in order",
          parameters: [
            idParam("flow run"),
            {
              name: "after",
              in: "query",
              schema: { type: "string" },
              description: "A `next` cursor",
            },
            {
              name: "limit",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 5000, default: 1000 },
            },
          ],
          responses: {
            ...ok(200, "Log lines", api.LogsResponseSchema),
            ...errorResponses(400, 401, 404),
          },
        },
      },
      "/api/v1/flow-runs/{id}/wait": {
        get: {
          summary: "Wait for a flow run to end (answers at once when it has), up to timeoutSeconds",
          parameters: [
            idParam("flow run"),
            {
              name: "timeoutSeconds",
              in: "query",
              schema: { type: "number", minimum: 0, maximum: 60, default: 30 },
            },
          ],
          responses: {
            ...ok(200, "The flow run, ended or as it is now", api.FlowRunSchema),
            ...errorResponses(401, 404),
          },
        },
      },
      "/api/v1/flow-runs/{id}/history": {
        get: {
          summary: "Read a flow run's timeline: every state change of the run and its tasks",
          parameters: [idParam("flow run")],
          responses: {
            ...ok(200, "State changes in order", api.FlowRunHistoryResponseSchema),
            ...errorResponses(401, 404),
          },
        },
      },
      "/api/v1/flow-runs/{id}/cancel": {
        post: {
          summary: "Cancel a flow run (two-phase once an agent holds it)",
          parameters: [idParam("flow run")],
          responses: {
            202: {
              description: "Cancelled, or Cancelling until the agent confirms",
              content: { "application/json": { schema: schema(api.CancelFlowRunResponseSchema) } },
            },
            ...errorResponses(401, 404, 409),
          },
        },
      },
    },
  };
}

let document: ReturnType<typeof buildDocument> | undefined;

export const getOpenApi = route({ access: "public" }, async () => {
  document ??= buildDocument();
  return json(200, document);
});
