// Signing in to the studio: an API key of a user is exchanged for a session (a random token in an
// httpOnly cookie; only its hash is stored), so the key itself never sits in the browser.
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { authenticateApiKey } from "./principal.ts";
import { generateToken, hashSecret } from "./secrets.ts";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export async function signInWithApiKey(
  db: Db,
  apiKey: string,
): Promise<{ token: string; expiresAt: Date; userName: string }> {
  const principal = await authenticateApiKey(db, apiKey.trim());
  if (!principal) {
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
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await db.session.create({
    data: {
      tokenHash: hashSecret(token),
      userId: principal.userId,
      apiKeyId: principal.keyId,
      expiresAt,
    },
  });
  return { token, expiresAt, userName: principal.userName };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashSecret(token) } });
}
