// The thin edge of /api/v1: a route is declared with who may call it and the zod schemas of its
// path, query and body; the handler then gets them parsed, with the database and the caller, and
// calls one service. Authentication, parsing, limits and error mapping happen here, once.
import * as z from "zod";
import { closestName } from "../../contract/closest-name.ts";
import { getConfig, type Config } from "../config.ts";
import { getDb, type Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { principalFromHeaders, type Principal } from "../auth/principal.ts";
import { requirePermission, type Permission } from "../auth/permissions.ts";
import { requireAgentCaller } from "../agents/agent-access.ts";
import { refuseUnstorable } from "../db/refuse-unstorable.ts";
import { actorOf, type Actor } from "../audit/actor.ts";
import { limitedBody } from "./body-limit.ts";
import { describeRequestIssues, errorResponse } from "./respond.ts";

/**
 * Who may call a route: anyone (`public`), the agent protocol (`agent`: agent keys, and admins'
 * keys), a user with a permission (server/auth/permissions.ts), or only a run token (`run`:
 * server/run-context/run-token.ts, which the route checks itself — no API key or session opens it).
 */
export type Access = "public" | "agent" | "run" | Permission;

export type RouteContext<P, Q, B> = {
  request: Request;
  db: Db;
  config: Config;
  principal: Principal;
  /** The caller as the audit log names them (server/audit/). */
  actor: Actor;
  params: P;
  query: Q;
  body: B;
};

type Schema<T> = z.ZodType<T, unknown>;

/** The sections of the OpenAPI document, in the order it lists them. */
export const API_TAGS = {
  Flows: "Flow files and their versions",
  Deployments: "Deployments of flow versions, and triggering their runs",
  "Flow runs": "Runs: read, follow, cancel, replay",
  "Work queues": "The queues runs wait in for an agent",
  "Concurrency limits":
    "How many runs of a tag, a work queue or a deployment may be active at once",
  Agents: "The agents that execute runs",
  "API keys": "Keys for scripts, the CLI and agents",
  Users: "People: accounts, roles, invitations, passwords",
  "Agent protocol": "What agents call (agent keys may call only these)",
  "Secrets and variables":
    "Named values for tasks: secrets (encrypted, write-only) and variables (plain, versioned)",
  "Audit log": "Who changed what, and when (admins)",
  Schedules: "When deployments run on their own: cron, interval and RRULE schedules",
  Triggers:
    "What else starts a deployment's run: webhooks, and the end of another deployment's run",
  Notifications:
    "Messages to webhooks (Slack and the like) when runs fail, crash, complete or run long",
  Backfills: "Runs of a deployment for every slot of a schedule between two dates, a few at a time",
  Retention: "How long logs and results are kept, and the passes that delete older ones",
  Storage: "Where large results go: the server's local folder and S3-compatible buckets",
  Server: "Health and this document",
} as const;
export type ApiTag = keyof typeof API_TAGS;

/** One documented answer: a JSON body of `schema`, or another content type. */
export type ResponseDoc = {
  description: string;
  schema?: z.ZodType;
  /** For answers that are not JSON (a download): content type → description of the body. */
  content?: Record<string, { schema: Record<string, unknown> }>;
};

/**
 * What the OpenAPI document says of a route (server/api/v1/openapi.ts reads it from the route
 * table, so the document and the API cannot disagree).
 */
export type RouteDocs = {
  operationId: string;
  summary: string;
  description?: string;
  tag: ApiTag;
  /** The successful answers by status. */
  responses: Record<number, ResponseDoc>;
  /** The error statuses this route may answer with, each with the shared error body. */
  errors: readonly number[];
  /** For routes that read their body themselves: content type → schema (zod). */
  requestBody?: Record<string, z.ZodType>;
};

export type RouteSpec<P, Q, B> = {
  access: Access;
  params?: Schema<P>;
  query?: Schema<Q>;
  /** A JSON body; an empty body reads as {}. Omit to read the body yourself. */
  body?: Schema<B>;
  /** Required of the routes in the API's table (route() then makes a DocumentedEndpoint). */
  docs?: RouteDocs;
};

type NextContext = { params: Promise<Record<string, string | string[]>> };

/** A route of the table: its declaration (read by the OpenAPI document) and its handler. */
export type Endpoint = {
  spec: RouteSpec<unknown, unknown, unknown>;
  handle: (request: Request, context: NextContext) => Promise<Response>;
};

/** A route the API's table may hold: one with its docs (the OpenAPI document is made from them). */
export type DocumentedEndpoint = Endpoint & {
  spec: RouteSpec<unknown, unknown, unknown> & { docs: RouteDocs };
};

export { MAX_BODY_BYTES } from "./body-limit.ts";

export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B> & { docs: RouteDocs },
  handler: (ctx: RouteContext<P, Q, B>) => Promise<Response>,
): DocumentedEndpoint;
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<P, Q, B>) => Promise<Response>,
): Endpoint;
export function route<P, Q, B>(
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<P, Q, B>) => Promise<Response>,
): Endpoint {
  const handle = async (request: Request, context: NextContext) => {
    try {
      const db = await getDb();
      const principal = await authorize(db, request, spec.access);
      const rawParams = await context.params;
      refuseUnstorable(rawParams, "path");
      const params = spec.params ? parse(spec.params, rawParams, "path") : ({} as P);
      const rawQuery = queryOf(new URL(request.url).searchParams);
      refuseUnstorable(rawQuery, "query");
      refuseUnknownQuery(rawQuery, spec.query);
      const query = spec.query ? parse(spec.query, rawQuery, "query") : ({} as Q);
      const body = spec.body ? parse(spec.body, await readJson(request), "body") : (undefined as B);
      const actor = actorOf(principal);
      const config = getConfig();
      return await handler({ request, db, config, principal, actor, params, query, body });
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { spec: spec as RouteSpec<unknown, unknown, unknown>, handle };
}

const ANONYMOUS: Principal = {
  userId: "",
  userName: "anonymous",
  role: "viewer",
  keyKind: "user",
  via: "api-key",
  keyId: null,
  keyRole: null,
  queues: [],
};

async function authorize(db: Db, request: Request, access: Access): Promise<Principal> {
  if (access === "public" || access === "run") return ANONYMOUS;
  // The studio's session cookie also opens reads (a download link in the studio: a result, a
  // log); writes need an API key, so no other site can make a signed-in browser change anything.
  const principal = await principalFromHeaders(db, request.headers, {
    allowSession: request.method === "GET" || request.method === "HEAD",
  });
  if (!principal) {
    throw new PipebookError(
      "unauthorized",
      request.headers.get("authorization")
        ? "the API key is not valid (revoked, expired or mistyped)"
        : "an API key is required: send the header Authorization: Bearer <key>",
    );
  }
  if (access === "agent") requireAgentCaller(principal);
  else requirePermission(principal, access);
  return principal;
}

function parse<T>(schema: Schema<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new PipebookError(
    "bad_request",
    `invalid ${where}: ${describeRequestIssues(result.error)}`,
  );
}

/** The body as text, refused past MAX_BODY_BYTES without reading it all. */
export async function readText(request: Request): Promise<string> {
  const body = limitedBody(request);
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJson(request: Request): Promise<unknown> {
  const text = await readText(request);
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PipebookError(
      "bad_request",
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
  refuseUnstorable(value, "body");
  return value;
}

/**
 * The query as name → value. A name given more than once (`state=Failed&state=Late`) counts as
 * its values comma-separated, which list parameters take; a single-valued one then fails its
 * schema, saying so, rather than one of the values being dropped without a word.
 */
function queryOf(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of new Set(params.keys())) out[name] = params.getAll(name).join(",");
  return out;
}

/**
 * A misspelt filter must not be ignored silently (`?stat=Failed` would list every run): a query
 * parameter the route does not know is refused, with the closest known one suggested.
 */
function refuseUnknownQuery(raw: Record<string, string>, schema: z.ZodType | undefined) {
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
  for (const name of Object.keys(raw)) {
    if (known.includes(name)) continue;
    const hint = closestName(name, known);
    throw new PipebookError(
      "bad_request",
      known.length
        ? `unknown query parameter "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; this endpoint takes ${known.map((k) => `"${k}"`).join(", ")}`
        : `unknown query parameter "${name}": this endpoint takes none`,
    );
  }
}
