// The sender's claim: due deliveries (pending and due, or delivering past their lease — a sender
// that died mid-send) taken in one statement with FOR UPDATE SKIP LOCKED, so two senders (two
// replicas) never take the same one. The claim counts the attempt and sets the lease's end in
// nextAttemptAt; the outcome is recorded only under that attempt (a sender whose lease ran out
// and was overtaken changes nothing).
import type { Db } from "../db/client.ts";

/** Longer than a send may take (SEND_TIMEOUT_MS) with room to record it. */
export const LEASE_MS = 30_000;

export type ClaimedDelivery = {
  id: string;
  attempts: number;
  payload: unknown;
  createdAt: Date;
  url: string;
};

export async function claimDueDeliveries(db: Db, now: Date, limit: number) {
  return db.$queryRaw<ClaimedDelivery[]>`
    UPDATE "NotificationDelivery" d
    SET status = 'delivering', attempts = d.attempts + 1,
      "nextAttemptAt" = ${new Date(now.getTime() + LEASE_MS)}::timestamptz
    FROM (
      SELECT id FROM "NotificationDelivery"
      WHERE status IN ('pending', 'delivering') AND "nextAttemptAt" <= ${now}::timestamptz
      ORDER BY "nextAttemptAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ) due, "NotificationRule" r
    WHERE d.id = due.id AND r.id = d."ruleId"
    RETURNING d.id, d.attempts, d.payload, d."createdAt", r.url`;
}

/** When the sender next has something to do (null: nothing waits). */
export async function nextDueAt(db: Db): Promise<Date | null> {
  const next = await db.notificationDelivery.aggregate({
    where: { status: { in: ["pending", "delivering"] } },
    _min: { nextAttemptAt: true },
  });
  return next._min.nextAttemptAt;
}
