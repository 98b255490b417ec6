// The one check every API route and tRPC procedure makes (server/api/handler.ts,
// server/trpc/init.ts) against the roles of contract/roles.ts. Hiding buttons in the studio is a
// courtesy; this is the rule.
import { hasPermission, leastRoleFor, type Permission } from "../../contract/roles.ts";
import { PipebookError } from "../errors.ts";
import type { Principal } from "./principal.ts";

export * from "../../contract/roles.ts";

/**
 * Refuses a principal that may not do this. Agent keys speak only the agent protocol, so they
 * are refused every permission here whatever their user's role.
 */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (principal.keyKind === "agent") {
    throw new PipebookError(
      "forbidden",
      "agent keys may only call the agent protocol; use a user's API key",
    );
  }
  if (!hasPermission(principal.role, permission)) {
    throw new PipebookError(
      "forbidden",
      `this needs the ${leastRoleFor(permission)} role or higher; ${principal.userName} acts as ${principal.role}` +
        (principal.keyRole ? " (the API key's own role)" : ""),
    );
  }
}
