// /api/auth/session: the studio's sign-in (an email and password, or an API key, in; an httpOnly
// session cookie out) and sign-out. Not part of the /api/v1 table: scripts use keys, not
// sessions.
import * as z from "zod";
import { PasswordSignInRequestSchema } from "../../contract/api-v1/users.ts";
import { clientAddress } from "../auth/rate-limit.ts";
import { signInWithApiKey, signInWithPassword, signOut } from "../auth/sessions.ts";
import { PipebookError } from "../errors.ts";
import { route } from "./handler.ts";
import { describeRequestIssues, json } from "./respond.ts";
import { refuseFormPosts, sessionCookie, signedIn } from "./session-cookie.ts";

const SignInBodySchema = z.strictObject({
  email: z.string().optional(),
  password: z.string().optional(),
  apiKey: z.string().max(200).optional(),
});

const postSessionEndpoint = route(
  { access: "public", body: SignInBodySchema },
  async ({ request, db, body }) => {
    refuseFormPosts(request);
    const address = clientAddress(request.headers);
    if (body.apiKey !== undefined) {
      if (!body.apiKey.trim()) throw new PipebookError("bad_request", "paste an API key");
      return signedIn(request, await signInWithApiKey(db, body.apiKey, address));
    }
    const parsed = PasswordSignInRequestSchema.safeParse({
      email: body.email ?? "",
      password: body.password ?? "",
    });
    if (!parsed.success) {
      throw new PipebookError("bad_request", describeRequestIssues(parsed.error));
    }
    return signedIn(request, await signInWithPassword(db, parsed.data, address));
  },
);

const deleteSessionEndpoint = route({ access: "public" }, async ({ request, db }) => {
  const token = /(?:^|;\s*)pipebook_session=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
  if (token) await signOut(db, decodeURIComponent(token));
  return json(200, { signedOut: true }, { "set-cookie": sessionCookie(request, "", 0) });
});

// Next.js route handlers (app/api/auth/session/route.ts): not part of the /api/v1 table.
export const postSession = postSessionEndpoint.handle;
export const deleteSession = deleteSessionEndpoint.handle;
