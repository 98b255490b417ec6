// tRPC over HTTP: the one entry of the studio's calls (app/api/trpc/[trpc]/route.ts serves it,
// under `next dev` and in production alike — the launcher hands /api/trpc to Next.js too).
// Bodies are read no further than the API's limit, and failures that are not the caller's are
// logged here, where the request is known.
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { bodyTooLarge, limitedBody } from "../api/body-limit.ts";
import { log } from "../log.ts";
import { createTrpcContext, INTERNAL_MESSAGE } from "./init.ts";
import { appRouter } from "./root.ts";

export const TRPC_ENDPOINT = "/api/trpc";

/** The request with its body limited: past the limit, tRPC answers 413 PAYLOAD_TOO_LARGE. */
function withLimitedBody(req: Request): Request {
  const body = limitedBody(req, () => {
    const cause = bodyTooLarge();
    return new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: cause.message, cause });
  });
  if (!body) return req;
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body,
    signal: req.signal,
    // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types do not know it.
    duplex: "half",
  });
}

export function serveTrpc(req: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: withLimitedBody(req),
    router: appRouter,
    createContext: () => createTrpcContext({ headers: req.headers }),
    onError({ error, path }) {
      // Procedures' own failures were logged (and masked) by init.ts; these happened around
      // them (the context, reading the request).
      if (error.code === "INTERNAL_SERVER_ERROR" && error.message !== INTERNAL_MESSAGE) {
        log.error(`tRPC ${path ?? "(no procedure)"} failed`, error.cause ?? error);
      }
    },
  });
}
