// Typed errors of the domain. Services throw these; the edges (server/api, server/trpc) map
// them to HTTP statuses and tRPC codes in one place each. Anything else is a bug: a 500 with a
// generic message, logged with its stack.

export type ErrorCode =
  | "bad_request"
  | "invalid_flow"
  | "invalid_parameters"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid_state"
  | "lease_lost"
  | "unsupported_media_type"
  | "payload_too_large"
  | "rate_limited";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_flow: 400,
  invalid_parameters: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  lease_lost: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
};

export class PipebookError extends Error {
  readonly code: ErrorCode;
  /** Structured detail for machines (e.g. the list of issues); shown in the API's error body. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "PipebookError";
    this.code = code;
    this.details = details;
  }
}

export class NotFoundError extends PipebookError {
  constructor(what: string, id: string) {
    super("not_found", `${what} ${JSON.stringify(id)} was not found`);
  }
}

/** True for our typed errors, also when thrown by another bundle's copy of this module. */
export function isPipebookError(error: unknown): error is PipebookError {
  if (error instanceof PipebookError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof Error &&
    error.name === "PipebookError" &&
    typeof code === "string" &&
    code in HTTP_STATUS
  );
}
