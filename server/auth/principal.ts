// Who is asking: resolved from a bearer API key (scripts, CLI, agents) or a session cookie (the
// studio), then passed to services that need to know.
import type { Db } from "../db/client.ts";
import { hashSecret } from "./secrets.ts";

export type Principal = {
  userId: string;
  userName: string;
  role: "admin" | "member";
  /** "agent" keys may only speak the agent protocol. */
  keyKind: "user" | "agent";
  via: "api-key" | "session";
};

export const SESSION_COOKIE = "pipebook_session";

// lastUsedAt is for people reviewing their keys; minute precision is plenty, and it keeps the
// hot path (an agent heartbeating every few seconds) from writing on every request.
const LAST_USED_PRECISION_MS = 60_000;

// Agents call several times a second (claims, heartbeats, reports). Remembering a verified key
// for a few seconds saves a database read per call (~0.5 ms on PGlite); a revoked key stops
// working within this window.
const KEY_CACHE_MS = 5_000;
const KEY_CACHE = Symbol.for("pipebook.api-key-cache");
type CachedKey = { principal: Principal; until: number };

function keyCache(): Map<string, CachedKey> {
  const holder = globalThis as { [KEY_CACHE]?: Map<string, CachedKey> };
  holder[KEY_CACHE] ??= new Map();
  return holder[KEY_CACHE];
}

export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  const hash = hashSecret(key);
  const cache = keyCache();
  const cached = cache.get(hash);
  if (cached && cached.until > Date.now()) return cached.principal;
  const row = await db.apiKey.findUnique({
    where: { hash },
    select: {
      id: true,
      kind: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      user: { select: { id: true, name: true, role: true } },
    },
  });
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) {
    cache.delete(hash);
    return null;
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const principal: Principal = {
    userId: row.user.id,
    userName: row.user.name,
    role: row.user.role,
    keyKind: row.kind,
    via: "api-key",
  };
  if (cache.size > 1000) cache.clear();
  const until = Math.min(now.getTime() + KEY_CACHE_MS, row.expiresAt?.getTime() ?? Infinity);
  cache.set(hash, { principal, until });
  return principal;
}

/** Forgets remembered keys (after a key is revoked, so it stops working at once here). */
export function forgetApiKeys(): void {
  keyCache().clear();
}

export async function authenticateSession(db: Db, token: string): Promise<Principal | null> {
  const row = await db.session.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: { expiresAt: true, user: { select: { id: true, name: true, role: true } } },
  });
  if (!row || row.expiresAt <= new Date()) return null;
  return {
    userId: row.user.id,
    userName: row.user.name,
    role: row.user.role,
    keyKind: "user",
    via: "session",
  };
}

/** The bearer token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(headers: Headers): string | undefined {
  const value = headers.get("authorization");
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

function cookieValue(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/** A request's principal: its bearer key, else (when allowed) its session cookie. */
export async function principalFromHeaders(
  db: Db,
  headers: Headers,
  options: { allowSession: boolean },
): Promise<Principal | null> {
  const bearer = bearerToken(headers);
  if (bearer) return authenticateApiKey(db, bearer);
  const session = options.allowSession ? cookieValue(headers, SESSION_COOKIE) : undefined;
  return session ? authenticateSession(db, session) : null;
}
