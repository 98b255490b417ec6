// The leader lease: one row per role in "LeaderLease", taken, renewed and given back with one
// guarded statement each, timed by the database's clock (replicas' clocks never compare). Works
// the same on PGlite (one server) and PostgreSQL (many): on PostgreSQL two replicas racing for an
// expired row are serialised by its row lock, and the loser's re-checked guard fails, so exactly
// one of them gets it.
import type { Db } from "../db/client.ts";

/** The role of the replica that runs the background services (server/boot/start.ts). */
export const BACKGROUND_ROLE = "background";

export type Lease = { epoch: number; expiresAt: Date };
export type Holder = { role: string; holder: string; epoch: number };

/**
 * Takes the role when nobody holds it (no row, or its lease expired or was released), raising
 * the epoch; `force` takes it whatever the row says — for the embedded database, which only one
 * process can open, so a lease left by a killed server there is certainly dead. Returns the new
 * lease, or null when another replica holds it.
 */
export async function acquireLease(
  db: Db,
  options: { role: string; holder: string; ttlMs: number; force?: boolean },
): Promise<Lease | null> {
  const rows = await db.$queryRaw<Lease[]>`
    INSERT INTO "LeaderLease" (role, holder, epoch, "acquiredAt", "expiresAt")
    VALUES (${options.role}, ${options.holder}, 1, now(),
      now() + ${options.ttlMs}::float8 * interval '1 millisecond')
    ON CONFLICT (role) DO UPDATE
      SET holder = EXCLUDED.holder, epoch = "LeaderLease".epoch + 1,
        "acquiredAt" = EXCLUDED."acquiredAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE "LeaderLease"."expiresAt" <= now() OR ${options.force ?? false}::boolean
    RETURNING epoch, "expiresAt"`;
  return rows[0] ?? null;
}

/**
 * Extends the holder's lease by ttl from now. Fenced by the epoch: a replica whose lease ran out
 * (and was maybe taken, even by a later process of the same name) changes nothing and gets null —
 * it must stop acting as leader, as it already did when its own deadline passed.
 */
export async function renewLease(db: Db, lease: Holder & { ttlMs: number }): Promise<Lease | null> {
  const rows = await db.$queryRaw<Lease[]>`
    UPDATE "LeaderLease"
    SET "expiresAt" = now() + ${lease.ttlMs}::float8 * interval '1 millisecond'
    WHERE role = ${lease.role} AND holder = ${lease.holder} AND epoch = ${lease.epoch}
      AND "expiresAt" > now()
    RETURNING epoch, "expiresAt"`;
  return rows[0] ?? null;
}

/**
 * Gives the role back at once (a graceful stop), so another replica takes it on its next try
 * instead of waiting out the ttl. Fenced like a renewal; returns whether it was still held.
 */
export async function releaseLease(db: Db, lease: Holder): Promise<boolean> {
  const released = await db.$executeRaw`
    UPDATE "LeaderLease" SET "expiresAt" = now()
    WHERE role = ${lease.role} AND holder = ${lease.holder} AND epoch = ${lease.epoch}
      AND "expiresAt" > now()`;
  return released === 1;
}

/** Who holds the role now (null when nobody does: no row, or it expired or was released). */
export async function currentLeader(
  db: Db,
  role: string,
): Promise<{ holder: string; epoch: number; acquiredAt: Date; expiresAt: Date } | null> {
  const rows = await db.$queryRaw<
    { holder: string; epoch: number; acquiredAt: Date; expiresAt: Date }[]
  >`
    SELECT holder, epoch, "acquiredAt", "expiresAt" FROM "LeaderLease"
    WHERE role = ${role} AND "expiresAt" > now()`;
  return rows[0] ?? null;
}
