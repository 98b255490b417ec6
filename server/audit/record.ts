// Writing the audit log: one row per change, in the transaction of the change itself (or, for a
// change that is one statement, in that statement), so an event exists exactly when its change
// was committed (a refused or rolled-back change leaves no
// event, and no committed change lacks one).
import type { AuditAction, AuditTargetType } from "../../contract/api-v1/audit.ts";
import type { Tx } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import type { Actor } from "./actor.ts";

export type AuditTarget = { type: AuditTargetType; id?: string | null; name?: string | null };

/** Facts about a change, kept small. Never put a secret's value or a key's secret here. */
export type AuditDetails = Record<string, string | number | boolean | null | string[]>;

/**
 * Records one event inside `tx` (the transaction making the change). The key's name is read in
 * the same statement, so callers need only the principal they already hold.
 */
export async function audit(
  tx: Tx,
  actor: Actor,
  action: AuditAction,
  target: AuditTarget,
  details: AuditDetails = {},
): Promise<void> {
  await tx.$executeRaw(auditInsert(actor, action, target, details)(null));
}

/**
 * The INSERT of an event, for a statement that makes the change and records it at once (as one
 * of its CTEs, no transaction needed): `targetId` is SQL naming the target's id there, e.g. a
 * row the same statement inserts; null takes `target.id`.
 */
export type AuditInsert = (targetId: Prisma.Sql | null) => Prisma.Sql;

export function auditInsert(
  actor: Actor,
  action: AuditAction,
  target: AuditTarget,
  details: AuditDetails = {},
): AuditInsert {
  return (targetId) => Prisma.sql`
    INSERT INTO "AuditEvent" ("actorId", "actorName", "keyId", "keyName", via, action,
      "targetType", "targetId", "targetName", details)
    SELECT ${actor.userId}::uuid, ${actor.userName}, ${actor.keyId}::uuid,
      (SELECT name FROM "ApiKey" WHERE id = ${actor.keyId}::uuid), ${actor.via}::"AuditVia",
      ${action}, ${target.type}, ${targetId ?? Prisma.sql`${target.id ?? null}`}, ${target.name ?? null},
      ${JSON.stringify(details)}::jsonb`;
}
