// Work queues are created on first use: deploying to queue "gpu-jobs" makes it exist.
import type { Tx } from "../db/client.ts";

export async function ensureWorkQueue(tx: Tx, name: string): Promise<{ id: string; name: string }> {
  return tx.workQueue.upsert({
    where: { name },
    create: { name },
    update: {},
    select: { id: true, name: true },
  });
}
