// Writing the audit log: one row per change, in the transaction of the change itself, so an
// event exists exactly when its change was committed (a refused or rolled-back change leaves no
// event, and no committed change lacks one).
import type { AuditAction, AuditTargetType } from "../../contract/api-v1/audit.ts";
import type { Tx } from "../db/client.ts";
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
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("actorId", "actorName", "keyId", "keyName", via, action,
      "targetType", "targetId", "targetName", details)
    VALUES (${actor.userId}::uuid, ${actor.userName}, ${actor.keyId}::uuid,
      (SELECT name FROM "ApiKey" WHERE id = ${actor.keyId}::uuid), ${actor.via}::"AuditVia",
      ${action}, ${target.type}, ${target.id ?? null}, ${target.name ?? null},
      ${JSON.stringify(details)}::jsonb)`;
}
