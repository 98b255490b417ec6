// GET /api/v1/openapi.json: the public API described from the route table itself (server/api/
// routes.ts) — each route's path, access, zod schemas and docs — so the document cannot drift
// from what is served. Request and answer schemas become components, referenced by name.
import { leastRoleFor } from "../../auth/permissions.ts";
import { isDeepStrictEqual } from "node:util";
import * as z from "zod";
import { ApiErrorSchema } from "../../../contract/api-v1.ts";
import { ParameterSchemaSchema } from "../../../contract/flow-file/schema.ts";
import { VERSION } from "../../version.ts";
import { API_TAGS, type DocumentedEndpoint, type Endpoint, type RouteDocs } from "../handler.ts";

export const OpenApiDocumentSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: "An OpenAPI 3.1 document" });

type JsonObject = Record<string, unknown>;
type Io = "input" | "output";

const ERROR_TEXT: Record<number, string> = {
  400: "Invalid input; the message says what was wrong and where",
  401: "Missing or invalid API key",
  403: "The key may not do this",
  404: "Not found",
  405: "Method not allowed",
  409: "The run (or queue) is in a state that does not allow this",
  413: "Body too large",
  415: "Unsupported content type",
  429: "Too many failed attempts (unknown API keys, wrong passwords) from this address or for this account; the Retry-After header says when to try again",
};

const COMPONENT = "#/components/schemas/";

/**
 * Collects the schemas of one direction (requests are documented as zod reads them — defaults
 * optional —, answers as they are produced) under component names.
 */
class Components {
  private readonly registry = z.registry<{ id: string }>();
  private readonly used = new Set<string>();

  constructor(private readonly io: Io) {
    // The one recursive schema: referenced by name, so its cycle resolves inside the document.
    this.registry.add(ParameterSchemaSchema, { id: "ParameterSchema" });
    this.used.add("ParameterSchema");
  }

  /** A reference to `schema`, named `preferred` unless it is already known by another name. */
  ref(schema: z.ZodType, preferred: string): JsonObject {
    const known = this.registry.get(schema);
    if (known) return { $ref: COMPONENT + known.id };
    let id = (z.globalRegistry.get(schema)?.id as string | undefined) ?? preferred;
    for (let n = 2; this.used.has(id); n++) id = `${preferred}${n}`;
    this.used.add(id);
    this.registry.add(schema, { id });
    return { $ref: COMPONENT + id };
  }

  schemas(): Record<string, JsonObject> {
    const { schemas } = z.toJSONSchema(this.registry, {
      target: "draft-2020-12",
      io: this.io,
      unrepresentable: "any",
      cycles: "ref",
      reused: "inline",
      uri: (id) => COMPONENT + id,
    });
    const out: Record<string, JsonObject> = {};
    for (const [id, schema] of Object.entries(schemas)) {
      const { $schema: _s, $id: _i, ...rest } = schema as JsonObject;
      out[id] = rest;
    }
    return out;
  }
}

/** The properties of a zod object schema as OpenAPI parameters (path or query). */
function parametersOf(schema: z.ZodType | undefined, where: "path" | "query"): JsonObject[] {
  if (!schema || !(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, property]) => {
    const json = z.toJSONSchema(property, {
      target: "draft-2020-12",
      io: "input",
      unrepresentable: "any",
    }) as JsonObject;
    const { $schema: _s, description, ...rest } = json;
    return {
      name,
      in: where,
      required: where === "path" || !property.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: where === "path" ? { type: "string" } : rest,
    };
  });
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function operation(
  docs: RouteDocs,
  endpoint: Endpoint,
  requests: Components,
  answers: Components,
): JsonObject {
  const { spec } = endpoint;
  const name = capitalize(docs.operationId);
  const responses: JsonObject = {};
  for (const [status, answer] of Object.entries(docs.responses)) {
    responses[status] = {
      description: answer.description,
      ...(answer.schema
        ? {
            content: {
              "application/json": { schema: answers.ref(answer.schema, `${name}Response`) },
            },
          }
        : answer.content
          ? { content: answer.content }
          : {}),
    };
  }
  const errors = new Set(docs.errors);
  if (spec.access !== "public") errors.add(401).add(403).add(429);
  // Every route refuses unknown query parameters (and bad path, query or body values).
  errors.add(400);
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? "Error",
      content: { "application/json": { schema: answers.ref(ApiErrorSchema, "Error") } },
    };
  }

  let requestBody: JsonObject | undefined;
  if (spec.body) {
    requestBody = {
      required: false,
      content: {
        "application/json": { schema: requests.ref(spec.body, `${name}Request`) },
      },
    };
  } else if (docs.requestBody) {
    requestBody = {
      required: true,
      content: Object.fromEntries(
        Object.entries(docs.requestBody).map(([type, schema]) => [
          type,
          { schema: requests.ref(schema, `${name}Request`) },
        ]),
      ),
    };
  }

  const needs =
    spec.access === "public"
      ? ""
      : spec.access === "agent"
        ? "Needs an agent key (or an admin's key)."
        : spec.access === "run"
          ? "Needs the run token of a running flow run (tasks get it from their agent)."
          : `Needs the ${leastRoleFor(spec.access)} role or higher.`;
  const description = [docs.description, needs].filter(Boolean).join("\n\n");
  return {
    operationId: docs.operationId,
    summary: docs.summary,
    ...(description ? { description } : {}),
    tags: [docs.tag],
    ...(spec.access === "public" ? { security: [] } : {}),
    ...(spec.access === "run" ? { security: [{ runToken: [] }] } : {}),
    parameters: [...parametersOf(spec.params, "path"), ...parametersOf(spec.query, "query")],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** Both directions' components in one namespace; a request shape that differs is renamed. */
function mergeComponents(
  requests: Components,
  answers: Components,
): { schemas: Record<string, JsonObject>; rewrite: (value: unknown) => unknown } {
  const out = answers.schemas();
  const renamed = new Map<string, string>();
  const input = requests.schemas();
  for (const [id, schema] of Object.entries(input)) {
    if (out[id] && !isDeepStrictEqual(out[id], schema)) renamed.set(id, `${id}Input`);
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          if (k === "$ref" && typeof v === "string" && v.startsWith(COMPONENT)) {
            const id = v.slice(COMPONENT.length);
            return [k, COMPONENT + (renamed.get(id) ?? id)];
          }
          return [k, rewrite(v)];
        }),
      );
    }
    return value;
  };
  for (const [id, schema] of Object.entries(input)) {
    out[renamed.get(id) ?? id] = rewrite(schema) as JsonObject;
  }
  return { schemas: out, rewrite };
}

export function buildOpenApiDocument(
  table: readonly (readonly [method: string, pattern: string, endpoint: DocumentedEndpoint])[],
): JsonObject {
  const requests = new Components("input");
  const answers = new Components("output");
  const paths: Record<string, Record<string, JsonObject>> = {};
  const requestRefs: JsonObject[] = [];
  for (const [method, pattern, endpoint] of table) {
    const path = pattern.replace(/:(\w+)/g, "{$1}");
    const op = operation(endpoint.spec.docs, endpoint, requests, answers);
    if (op.requestBody) requestRefs.push(op.requestBody as JsonObject);
    (paths[path] ??= {})[method.toLowerCase()] = op;
  }
  const { schemas, rewrite } = mergeComponents(requests, answers);
  // Request bodies refer to input components, which may have been renamed.
  for (const body of requestRefs) Object.assign(body, rewrite(body));

  return {
    openapi: "3.1.0",
    info: {
      title: "Pipebook API",
      version: VERSION,
      description:
        'The public HTTP API of Pipebook for scripts, CI, the CLI and agents. Authenticate with `Authorization: Bearer <API key>`. Errors are `{"error":{"code","message"}}`, the message saying what was wrong and where.',
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "http://127.0.0.1:4200", description: "A server on this machine" }],
    security: [{ bearer: [] }],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A Pipebook API key" },
        runToken: {
          type: "http",
          scheme: "bearer",
          description: "The run token an agent receives with each claimed run (pbr_…)",
        },
      },
      schemas,
    },
  };
}
