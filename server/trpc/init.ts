// tRPC for the studio: the context (database, config, who is asking) and procedures that require
// a signed-in user. Domain errors become tRPC errors with the right code here, once.
import { initTRPC, TRPCError } from "@trpc/server";
import * as z from "zod";
import { describeRequestIssues } from "../api/respond.ts";
import { principalFromHeaders, type Principal } from "../auth/principal.ts";
import { requirePermission, type Permission } from "../auth/permissions.ts";
import { getConfig, type Config } from "../config.ts";
import { getDb, type Db } from "../db/client.ts";
import { refuseUnstorable } from "../db/refuse-unstorable.ts";
import { isPipebookError, PipebookError, type ErrorCode } from "../errors.ts";
import { log } from "../log.ts";
import { actorOf } from "../audit/actor.ts";

export type TrpcContext = { db: Db; config: Config; principal: Principal | null };

export async function createTrpcContext(opts: { headers: Headers }): Promise<TrpcContext> {
  const db = await getDb();
  try {
    const principal = await principalFromHeaders(db, opts.headers, { allowSession: true });
    return { db, config: getConfig(), principal };
  } catch (error) {
    // Too many unknown bearer keys from this address (server/auth/rate-limit.ts).
    if (isPipebookError(error) && error.code === "rate_limited") {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: error.message, cause: error });
    }
    throw error;
  }
}

/** What the caller hears of a failure that is not its own; the server's log has the rest. */
export const INTERNAL_MESSAGE = "the server failed to answer this request; its log says why";

const TRPC_CODE: Record<ErrorCode, TRPCError["code"]> = {
  bad_request: "BAD_REQUEST",
  invalid_flow: "BAD_REQUEST",
  invalid_parameters: "BAD_REQUEST",
  unauthorized: "UNAUTHORIZED",
  forbidden: "FORBIDDEN",
  not_found: "NOT_FOUND",
  conflict: "CONFLICT",
  invalid_state: "CONFLICT",
  lease_lost: "CONFLICT",
  unsupported_media_type: "UNSUPPORTED_MEDIA_TYPE",
  payload_too_large: "PAYLOAD_TOO_LARGE",
  rate_limited: "TOO_MANY_REQUESTS",
};

const t = initTRPC.context<TrpcContext>().create({
  // Live views are SSE subscriptions: a comment every 10 s keeps idle connections open through
  // proxies, and a client that hears nothing for 25 s reconnects (resuming by its last event).
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 25_000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause as { code?: string; details?: unknown; issues?: unknown } | undefined;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      // Nothing of an unexpected failure reaches the browser (serve.ts and mapErrors log it).
      message: internal ? INTERNAL_MESSAGE : shape.message,
      data: {
        ...shape.data,
        stack: internal ? undefined : shape.data.stack,
        // The studio shows these on the cell and line at fault.
        pipebookCode: isPipebookError(cause) ? cause.code : cause?.issues ? "invalid_flow" : null,
        issues: (isPipebookError(cause) ? cause.details?.issues : cause?.issues) ?? null,
      },
    };
  },
});

/** The error the caller hears for a procedure's failure (`error`: what tRPC caught). */
function callerError(error: TRPCError, path: string): TRPCError {
  const cause = error.cause;
  if (isPipebookError(cause)) {
    return new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
  }
  if (cause instanceof Error && cause.name === "FlowFileError") {
    return new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  }
  if (error.code === "BAD_REQUEST" && cause instanceof z.ZodError) {
    // The input failed its schema: "field: what", as /api/v1 says it, not zod's JSON.
    const refusal = new PipebookError(
      "bad_request",
      `invalid input: ${describeRequestIssues(cause)}`,
    );
    return new TRPCError({ code: "BAD_REQUEST", message: refusal.message, cause: refusal });
  }
  if (error.code === "INTERNAL_SERVER_ERROR") {
    // A bug or a database failure: its message (Prisma's, with the query) stays in the log.
    log.error(`tRPC ${path} failed`, cause ?? error);
    return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: INTERNAL_MESSAGE });
  }
  return error;
}

/**
 * A live view's failures happen while it streams, after the middleware has returned: they are
 * mapped as they come out (a live view of a backfill that does not exist is NOT_FOUND, not a 500).
 */
async function* mappedStream(stream: AsyncIterable<unknown>, path: string) {
  try {
    yield* stream;
  } catch (caught) {
    const error =
      caught instanceof TRPCError
        ? caught
        : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: caught });
    throw callerError(error, path);
  }
}

const mapErrors = t.middleware(async ({ next, path, type }) => {
  const result = await next();
  if (!result.ok) throw callerError(result.error, path);
  if (
    type === "subscription" &&
    result.data &&
    typeof result.data === "object" &&
    Symbol.asyncIterator in result.data
  ) {
    return { ...result, data: mappedStream(result.data as AsyncIterable<unknown>, path) };
  }
  return result;
});

/** What the storage cannot hold is refused before any input schema or service sees it. */
const refuseUnstorableInput = t.middleware(async ({ getRawInput, next }) => {
  refuseUnstorable(await getRawInput(), "input");
  return next();
});

export const router = t.router;

/**
 * A procedure that needs a permission (server/auth/permissions.ts): errors mapped (and masked
 * when internal), the caller checked, then inputs refused when storage cannot hold them. The
 * check runs before the input is read, so a caller without the permission learns nothing from
 * validation errors.
 */
export function procedure(permission: Permission) {
  return t.procedure
    .use(mapErrors)
    .use(({ ctx, next }) => {
      if (!ctx.principal) {
        throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in to use the studio" });
      }
      requirePermission(ctx.principal, permission);
      return next({ ctx: { ...ctx, principal: ctx.principal, actor: actorOf(ctx.principal) } });
    })
    .use(refuseUnstorableInput);
}

export const readProcedure = procedure("read");
export const operateProcedure = procedure("operate");
export const editProcedure = procedure("edit");
export const adminProcedure = procedure("admin");
