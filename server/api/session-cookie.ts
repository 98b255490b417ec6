// The studio's session cookie: httpOnly (no script can read it), SameSite=Lax (other sites cannot
// make the browser send it with their writes), Secure when served over https.
import { SESSION_COOKIE } from "../auth/principal.ts";
import { PipebookError } from "../errors.ts";
import type { NewSession } from "../auth/sessions.ts";
import { SESSION_TTL_MS } from "../auth/sessions.ts";
import { json } from "./respond.ts";

export function sessionCookie(request: Request, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(request) ? "; Secure" : "";
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

// Behind a TLS-terminating proxy the request reaches us over http; the proxy says so.
function isHttps(request: Request): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  return request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** The answer of a successful sign-in (password, key, setup or invitation): the cookie set. */
export function signedIn(request: Request, session: NewSession, status = 200): Response {
  return json(
    status,
    { user: session.userName, expiresAt: session.expiresAt.toISOString() },
    { "set-cookie": sessionCookie(request, session.token, SESSION_TTL_MS / 1000) },
  );
}

/**
 * Refuses what is not JSON. Another site's HTML form can post text/plain whose body parses as
 * JSON (`{"apiKey":"…","email":"="}`) and sign the browser in as the attacker (login CSRF); only
 * a script can send application/json, and another origin's script would need CORS, which this
 * server never grants.
 */
export function refuseFormPosts(request: Request): void {
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
    throw new PipebookError(
      "unsupported_media_type",
      "send this as JSON (Content-Type: application/json)",
    );
  }
}
