// The thin edge of /api/v1: a route is declared with who may call it and the zod schemas of its
// path, query and body; the handler then gets them parsed, with the database and the caller, and
// calls one service. Authentication, parsing, limits and error mapping happen here, once.
import type { z } from "zod";
import { getConfig, type Config } from "../config.ts";
import { getDb, type Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { principalFromHeaders, type Principal } from "../auth/principal.ts";
import { storableProblem } from "../../contract/storable-json.ts";
import { describeRequestIssues, errorResponse } from "./respond.ts";

export type Access = "public" | "user" | "agent";

export type RouteContext<P, Q, B> = {
  request: Request;
  db: Db;
  config: Config;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
};

type Schema<T> = z.ZodType<T, unknown>;

export type RouteSpec<P, Q, B> = {
  access: Access;
  params?: Schema<P>;
  query?: Schema<Q>;
  /** A JSON body; an empty body reads as {}. Omit to read the body yourself. */
  body?: Schema<B>;
};

type NextContext = { params: Promise<Record<string, string | string[]>> };

// Flow files with many cells are the largest bodies; 10 MB is far beyond any real one.
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
  handler: (ctx: RouteContext<P, Q, B>) => Promise<Response>,
): (request: Request, context: NextContext) => Promise<Response> {
  return async (request, context) => {
    try {
      const db = await getDb();
      const principal = await authorize(db, request, spec.access);
      const params = spec.params ? parse(spec.params, await context.params, "path") : ({} as P);
      const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
      refuseUnstorable(rawQuery, "query");
      const query = spec.query ? parse(spec.query, rawQuery, "query") : ({} as Q);
      const body = spec.body ? parse(spec.body, await readJson(request), "body") : (undefined as B);
      return await handler({ request, db, config: getConfig(), principal, params, query, body });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

const ANONYMOUS: Principal = {
  userId: "",
  userName: "anonymous",
  role: "member",
  keyKind: "user",
  via: "api-key",
};

async function authorize(db: Db, request: Request, access: Access): Promise<Principal> {
  if (access === "public") return ANONYMOUS;
  const principal = await principalFromHeaders(db, request.headers, { allowSession: false });
  if (!principal) {
    throw new PipebookError(
      "unauthorized",
      request.headers.get("authorization")
        ? "the API key is not valid (revoked, expired or mistyped)"
        : "an API key is required: send the header Authorization: Bearer <key>",
    );
  }
  if (access === "user" && principal.keyKind !== "user") {
    throw new PipebookError("forbidden", "agent keys may only call the agent protocol");
  }
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
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge() {
  return new PipebookError(
    "payload_too_large",
    `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`,
  );
}

async function readJson(request: Request): Promise<unknown> {
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

/** A NUL character or absurd nesting is refused here, before it reaches the database. */
function refuseUnstorable(value: unknown, where: string) {
  const problem = storableProblem(value);
  if (problem) {
    const at = problem.path.length ? ` at ${problem.path.join(".")}` : "";
    throw new PipebookError("bad_request", `invalid ${where}: the value${at} ${problem.message}`);
  }
}
