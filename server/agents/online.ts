// When an agent counts as online — the one rule behind the agents page, the work queues page and
// preview, and the "no agent would take it" warnings: it has not stopped, and it renewed within
// one lease. Agents heartbeat every few seconds (a third of the lease or less), busy or idle, so
// a live one is never a lease behind; one that was killed drops out within a lease.
import { Prisma } from "../db/generated/client.ts";

/** A SQL condition on an "Agent" row aliased `a` (compare it in the database's own clock). */
export function agentIsOnline(leaseMs: number): Prisma.Sql {
  return Prisma.sql`(a."stoppedAt" IS NULL
    AND a."lastSeenAt" > now() - ${leaseMs}::float8 * interval '1 millisecond')`;
}
