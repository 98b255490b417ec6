// Who an audit event names: the user behind a request, the key they used and how they came in,
// or the server itself (start-up, background services, code that acts for no one).
import type { AuditVia } from "../../contract/api-v1/audit.ts";
import type { Principal } from "../auth/principal.ts";

export type Actor = {
  /** Null for the server itself. */
  userId: string | null;
  userName: string;
  /** The API key used, or the one a session was signed in with. */
  keyId: string | null;
  via: AuditVia;
};

/** The server acting for no one: start-up, background services, seeds in tests. */
export const SYSTEM_ACTOR: Actor = { userId: null, userName: "system", keyId: null, via: "system" };

export function actorOf(principal: Principal): Actor {
  return {
    userId: principal.userId || null,
    userName: principal.userName,
    keyId: principal.keyId,
    via: principal.keyKind === "agent" ? "agent" : principal.via === "session" ? "session" : "key",
  };
}
