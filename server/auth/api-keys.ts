// API keys people make for scripts, the CLI and agents: shown once, stored as a hash, named,
// optionally expiring, revocable. A key never does more than its maker may: a user key acts with
// its user's role or a lower one; agent keys (admins make them) serve only their work queues.
import type {
  ApiKeyView,
  CreateApiKeyRequestSchema,
  CreateApiKeyResponse,
} from "../../contract/api-v1.ts";
import type * as z from "zod";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { hasPermission, requirePermission, roleRank } from "./permissions.ts";
import { forgetApiKeys, type Principal } from "./principal.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";
import { actorOf } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

const DAY_MS = 24 * 3600 * 1000;

const SELECT = {
  id: true,
  name: true,
  prefix: true,
  kind: true,
  role: true,
  queues: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  user: { select: { name: true } },
} as const;

type Row = {
  id: string;
  name: string;
  prefix: string;
  kind: "user" | "agent";
  role: ApiKeyView["role"];
  queues: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  user: { name: string };
};

function view(row: Row): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    kind: row.kind,
    role: row.role,
    queues: row.queues,
    user: row.user.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: row.revokedAt
      ? "revoked"
      : row.expiresAt && row.expiresAt <= new Date()
        ? "expired"
        : "active",
  };
}

export async function createApiKey(
  db: Db,
  principal: Principal,
  request: z.output<typeof CreateApiKeyRequestSchema>,
): Promise<CreateApiKeyResponse> {
  // Every signed-in person may make keys for themselves (a viewer needs one for the CLI);
  // agent keys hand out the runs of whole queues, so only admins make them.
  requirePermission(principal, request.kind === "agent" ? "admin" : "read");
  if (request.role && roleRank(request.role) > roleRank(principal.role)) {
    throw new PipebookError(
      "forbidden",
      `a key may not have more than your own role: you act as ${principal.role}, the key asked for ${request.role}`,
    );
  }
  const key = generateApiKey();
  const row = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        name: request.name,
        kind: request.kind,
        // A key made through a key with its own lower role keeps that limit.
        role: request.role ?? principal.keyRole,
        queues: [...new Set(request.queues)],
        prefix: keyPrefix(key),
        hash: hashSecret(key),
        userId: principal.userId,
        expiresAt: request.expiresInDays
          ? new Date(Date.now() + request.expiresInDays * DAY_MS)
          : null,
      },
      select: SELECT,
    });
    // What kind of key and what it may do; never the key.
    await audit(
      tx,
      actorOf(principal),
      "apiKey.create",
      { type: "apiKey", id: row.id, name: row.name },
      {
        kind: row.kind,
        role: row.role,
        queues: row.queues,
        expiresAt: row.expiresAt?.toISOString() ?? null,
      },
    );
    return row;
  });
  return { apiKey: view(row), key };
}

/** The caller's own keys; an admin sees everyone's. Revoked keys last (newest first). */
export async function listApiKeys(db: Db, principal: Principal): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({
    where: hasPermission(principal.role, "admin") ? {} : { userId: principal.userId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: SELECT,
  });
  return rows.map(view);
}

/**
 * Revokes a key (its owner or an admin): it stops working at once on every replica, and the
 * browser sessions signed in with it end with it.
 */
export async function revokeApiKey(db: Db, principal: Principal, id: string): Promise<ApiKeyView> {
  const found = isUuid(id)
    ? await db.apiKey.findUnique({ where: { id }, select: { userId: true, revokedAt: true } })
    : null;
  const mayRevoke =
    found && (found.userId === principal.userId || hasPermission(principal.role, "admin"));
  if (!found || !mayRevoke) throw new NotFoundError("API key", id);
  const row = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.update({
      where: { id },
      data: { revokedAt: found.revokedAt ?? new Date() },
      select: SELECT,
    });
    await tx.session.deleteMany({ where: { apiKeyId: id } });
    if (!found.revokedAt) {
      const target = { type: "apiKey", id, name: row.name } as const;
      await audit(tx, actorOf(principal), "apiKey.revoke", target, { owner: row.user.name });
    }
    return row;
  });
  forgetApiKeys();
  publish("key-revoked", id);
  return view(row);
}
