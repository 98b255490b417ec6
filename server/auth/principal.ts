// Who is asking: resolved from a bearer API key (scripts, CLI, agents) or a session cookie (the
// studio), then passed to services that need to know.
import type { Db } from "../db/client.ts";
import { subscribe } from "../events/bus.ts";
import { lesserRole, type Role } from "./permissions.ts";
import { clientAddress, rateLimits } from "./rate-limit.ts";
import { hashSecret } from "./secrets.ts";

export type Principal = {
  userId: string;
  userName: string;
  /** What this caller may do: the user's role, lowered to the key's own role when it has one. */
  role: Role;
  /** "agent" keys may only speak the agent protocol. */
  keyKind: "user" | "agent";
  via: "api-key" | "session";
  /** The API key used, or the one the session was signed in with. */
  keyId: string | null;
  /** The key's own role, when it has one lower than its user's. */
  keyRole: Role | null;
  /** The work queues an agent key serves (empty for user keys). */
  queues: string[];
  /** The session's id, when signed in by cookie (changing a password ends the others). */
  sessionId?: string;
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
  if (!holder[KEY_CACHE]) {
    holder[KEY_CACHE] = new Map();
    // A key revoked through any replica is forgotten by all of them at once (the bus carries
    // the event over PostgreSQL NOTIFY), not after the cache's few seconds.
    subscribe("key-revoked", () => holder[KEY_CACHE]?.clear());
  }
  return holder[KEY_CACHE];
}

export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  const found = await resolveApiKey(db, key);
  return typeof found === "string" ? null : found;
}

/**
 * A key's principal, or why there is none: "unknown" (no such key: perhaps a guess) or
 * "invalid" (revoked, expired, or its user disabled).
 */
export async function resolveApiKey(
  db: Db,
  key: string,
): Promise<Principal | "unknown" | "invalid"> {
  const hash = hashSecret(key);
  const cache = keyCache();
  const cached = cache.get(hash);
  if (cached && cached.until > Date.now()) return cached.principal;
  const row = await db.apiKey.findUnique({
    where: { hash },
    select: {
      id: true,
      kind: true,
      role: true,
      queues: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      user: { select: { id: true, name: true, role: true, disabledAt: true } },
    },
  });
  const now = new Date();
  if (!row) return "unknown";
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabledAt) {
    cache.delete(hash);
    return "invalid";
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const principal: Principal = {
    userId: row.user.id,
    userName: row.user.name,
    role: lesserRole(row.user.role, row.role),
    keyKind: row.kind,
    via: "api-key",
    keyId: row.id,
    keyRole: row.role,
    queues: row.queues,
  };
  if (cache.size > 1000) cache.clear();
  const until = Math.min(now.getTime() + KEY_CACHE_MS, row.expiresAt?.getTime() ?? Infinity);
  cache.set(hash, { principal, until });
  return principal;
}

/** Forgets remembered keys in this process (the bus's "key-revoked" does it everywhere). */
export function forgetApiKeys(): void {
  keyCache().clear();
}

export async function authenticateSession(db: Db, token: string): Promise<Principal | null> {
  const row = await db.session.findUnique({
    where: { tokenHash: hashSecret(token) },
    select: {
      id: true,
      expiresAt: true,
      user: { select: { id: true, name: true, role: true, disabledAt: true } },
      apiKey: { select: { id: true, role: true, revokedAt: true, expiresAt: true } },
    },
  });
  const now = new Date();
  if (!row || row.expiresAt <= now || row.user.disabledAt) return null;
  // Revoking a key deletes its sessions; this check also covers a key that expired since.
  const key = row.apiKey;
  if (key && (key.revokedAt || (key.expiresAt && key.expiresAt <= now))) return null;
  return {
    userId: row.user.id,
    userName: row.user.name,
    role: lesserRole(row.user.role, key?.role),
    keyKind: "user",
    via: "session",
    keyId: key?.id ?? null,
    keyRole: key?.role ?? null,
    queues: [],
    sessionId: row.id,
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
    if (k !== name) continue;
    // A value that is not valid percent-encoding is no session of ours: the caller is not signed in.
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined;
    }
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
  if (bearer) return authenticateBearer(db, bearer, clientAddress(headers));
  const session = options.allowSession ? cookieValue(headers, SESSION_COOKIE) : undefined;
  return session ? authenticateSession(db, session) : null;
}

/**
 * A bearer key, checked only while its address has not sent too many unknown keys (429 then, for
 * every key it sends, until the window passes: a guesser must not learn which guess was right).
 */
async function authenticateBearer(db: Db, key: string, address: string): Promise<Principal | null> {
  const unknownKeys = rateLimits().keys;
  unknownKeys.check(address);
  const found = await resolveApiKey(db, key);
  if (found === "unknown") unknownKeys.fail(address);
  return typeof found === "string" ? null : found;
}
