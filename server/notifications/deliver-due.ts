// One round of the sender: claim what is due and send it, in parallel up to the batch size.
import type { Db } from "../db/client.ts";
import { claimDueDeliveries } from "./claim-deliveries.ts";
import { sendDelivery } from "./send-delivery.ts";

/** Parallel sends per round: a slow receiver (10 s timeout) holds up no more than its own. */
export const BATCH = 16;

/** Returns how many deliveries it claimed (a full batch: call again at once). */
export async function deliverDue(db: Db, now = new Date()): Promise<number> {
  const claimed = await claimDueDeliveries(db, now, BATCH);
  await Promise.all(claimed.map((d) => sendDelivery(db, d)));
  return claimed.length;
}
