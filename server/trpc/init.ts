// tRPC for the studio: the context (database, config, who is asking) and procedures that require
// a signed-in user. Domain errors become tRPC errors with the right code here, once.
import { initTRPC, TRPCError } from "@trpc/server";
import { principalFromHeaders, type Principal } from "../auth/principal.ts";
import { requirePermission, type Permission } from "../auth/permissions.ts";
import { getConfig, type Config } from "../config.ts";
import { getDb, type Db } from "../db/client.ts";
import { isPipebookError, type ErrorCode } from "../errors.ts";

export type TrpcContext = { db: Db; config: Config; principal: Principal | null };

export async function createTrpcContext(opts: { headers: Headers }): Promise<TrpcContext> {
  const db = await getDb();
  const principal = await principalFromHeaders(db, opts.headers, { allowSession: true });
  return { db, config: getConfig(), principal };
}

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
    return {
      ...shape,
      data: {
        ...shape.data,
        // The studio shows these on the cell and line at fault.
        pipebookCode: isPipebookError(cause) ? cause.code : cause?.issues ? "invalid_flow" : null,
        issues: (isPipebookError(cause) ? cause.details?.issues : cause?.issues) ?? null,
      },
    };
  },
});

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (isPipebookError(cause)) {
      throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    }
    if (cause instanceof Error && cause.name === "FlowFileError") {
      throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
    }
  }
  return result;
});

export const router = t.router;

/**
 * A procedure that needs a permission (server/auth/permissions.ts). The check runs before the
 * input is parsed, so a caller without the permission learns nothing from validation errors.
 */
export function procedure(permission: Permission) {
  return t.procedure.use(mapErrors).use(({ ctx, next }) => {
    if (!ctx.principal) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in to use the studio" });
    }
    requirePermission(ctx.principal, permission);
    return next({ ctx: { ...ctx, principal: ctx.principal } });
  });
}

export const readProcedure = procedure("read");
export const operateProcedure = procedure("operate");
export const editProcedure = procedure("edit");
export const adminProcedure = procedure("admin");
