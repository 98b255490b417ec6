// /api/auth/session: the studio's sign-in (an API key in, an httpOnly session cookie out) and
// sign-out. The cookie is SameSite=Lax, so other sites cannot make the browser use it on writes.
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/principal.ts";
import { SESSION_TTL_MS, signInWithApiKey, signOut } from "../auth/sessions.ts";
import { route } from "./handler.ts";
import { json } from "./respond.ts";

function cookie(request: Request, value: string, maxAgeSeconds: number): string {
  const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

const postSessionEndpoint = route(
  { access: "public", body: z.strictObject({ apiKey: z.string().min(1, "paste an API key") }) },
  async ({ request, db, body }) => {
    const session = await signInWithApiKey(db, body.apiKey);
    return json(
      200,
      { user: session.userName, expiresAt: session.expiresAt.toISOString() },
      { "set-cookie": cookie(request, session.token, SESSION_TTL_MS / 1000) },
    );
  },
);

const deleteSessionEndpoint = route({ access: "public" }, async ({ request, db }) => {
  const token = /(?:^|;\s*)pipebook_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
  if (token) await signOut(db, decodeURIComponent(token));
  return json(200, { signedOut: true }, { "set-cookie": cookie(request, "", 0) });
});

// Next.js route handlers (app/api/auth/session/route.ts): not part of the /api/v1 table.
export const postSession = postSessionEndpoint.handle;
export const deleteSession = deleteSessionEndpoint.handle;
