// Errors to HTTP answers, in one place: every 4xx is {"error":{"code","message",…}} with a
// message that says what was wrong and where; anything unexpected is a logged 500 that leaks
// nothing of the server's internals.
import * as z from "zod";
import type { FlowFileError } from "../../contract/flow-file/issues.ts";
import { HTTP_STATUS, isPipebookError } from "../errors.ts";
import { log } from "../log.ts";

export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  const bytes = Buffer.from(JSON.stringify(body));
  return new Response(bytes, {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      // A known length tells the Node transport to write the answer at once, not stream it.
      "content-length": String(bytes.length),
      ...headers,
    },
  });
}

export function errorBody(code: string, message: string, extra?: Record<string, unknown>) {
  return { error: { code, message, ...extra } };
}

function isFlowFileError(error: unknown): error is FlowFileError {
  return error instanceof Error && error.name === "FlowFileError" && "issues" in error;
}

/** Zod's issues of a request as "field: what" sentences ("unknown field(s) …" for typos). */
export function describeRequestIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const prefix = i.path.length ? `${i.path.join(".")}: ` : "";
      if (i.code === "unrecognized_keys") {
        return `${prefix}unknown field(s) ${i.keys.map((k) => `"${k}"`).join(", ")}`;
      }
      return `${prefix}${i.message}`;
    })
    .join("; ");
}

export function errorResponse(error: unknown): Response {
  if (isPipebookError(error)) {
    const headers: HeadersInit | undefined =
      error.code === "unauthorized"
        ? { "www-authenticate": 'Bearer realm="pipebook"' }
        : error.code === "rate_limited"
          ? { "retry-after": String(error.details?.retryAfterSeconds ?? 60) }
          : undefined;
    return json(
      HTTP_STATUS[error.code],
      errorBody(error.code, error.message, error.details),
      headers,
    );
  }
  if (isFlowFileError(error)) {
    return json(400, errorBody("invalid_flow", error.message, { issues: error.issues }));
  }
  if (error instanceof z.ZodError) {
    return json(400, errorBody("bad_request", `invalid request: ${describeRequestIssues(error)}`));
  }
  log.error("unexpected error while answering a request", error);
  return json(
    500,
    errorBody("internal", "the server failed to answer this request; its log says why"),
  );
}
