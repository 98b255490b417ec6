// Signing in to the studio: with an email and password, or with an API key of a user. Either
// way the browser gets a session (a random token in an httpOnly cookie; only its hash is
// stored), never the key. Failures are counted per account and per address (./rate-limit.ts).
import type * as z from "zod";
import type { PasswordSignInRequestSchema } from "../../contract/api-v1/users.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { decoyHash, verifyPassword } from "./passwords.ts";
import { authenticateApiKey } from "./principal.ts";
import { rateLimits } from "./rate-limit.ts";
import { generateToken, hashSecret } from "./secrets.ts";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export type NewSession = { token: string; expiresAt: Date; userName: string };

/** A session for a user (signed in with `apiKeyId` when by key: it ends with the key). */
export async function createSession(
  db: Db,
  user: { id: string; name: string },
  apiKeyId: string | null = null,
): Promise<NewSession> {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.$transaction([
    db.session.create({
      data: { tokenHash: hashSecret(token), userId: user.id, apiKeyId, expiresAt },
    }),
    db.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } }),
  ]);
  return { token, expiresAt, userName: user.name };
}

export async function signInWithPassword(
  db: Db,
  request: z.output<typeof PasswordSignInRequestSchema>,
  address: string,
): Promise<NewSession> {
  const limits = rateLimits();
  const account = `email:${request.email}`;
  // Both limits are checked before the password is, so a locked-out guesser learns nothing more.
  limits.address.check(address);
  limits.account.check(account);
  const user = await db.user.findUnique({
    where: { email: request.email },
    select: { id: true, name: true, passwordHash: true, disabledAt: true },
  });
  const ok = await verifyPassword(request.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !user.passwordHash || !ok) {
    limits.address.fail(address);
    limits.account.fail(account);
    throw new PipebookError("unauthorized", "the email or the password is wrong");
  }
  if (user.disabledAt) {
    throw new PipebookError("forbidden", "this account is disabled: ask an admin of this server");
  }
  limits.account.reset(account);
  return createSession(db, user);
}

export async function signInWithApiKey(
  db: Db,
  apiKey: string,
  address = "unknown",
): Promise<NewSession> {
  const limits = rateLimits();
  limits.address.check(address);
  const principal = await authenticateApiKey(db, apiKey.trim());
  if (!principal) {
    limits.address.fail(address);
    throw new PipebookError(
      "unauthorized",
      "that API key is not valid (revoked, expired or mistyped)",
    );
  }
  if (principal.keyKind !== "user") {
    throw new PipebookError(
      "forbidden",
      "agent keys cannot sign in to the studio; use a user's key",
    );
  }
  return createSession(db, { id: principal.userId, name: principal.userName }, principal.keyId);
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashSecret(token) } });
}
