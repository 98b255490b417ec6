// Pausing a work queue: its waiting runs stay Scheduled (shown Paused) and no agent claims them
// until it is resumed; runs already claimed go on. Both are idempotent: pausing a paused queue
// changes nothing and is no error, as in `prefect work-queue pause`.
import type { Db } from "../db/client.ts";
import { forgetDeployments } from "../deployments/deployment-cache.ts";
import { publish } from "../events/bus.ts";
import { workQueueNotFound } from "./list-work-queues.ts";

export async function setWorkQueuePaused(db: Db, name: string, paused: boolean): Promise<void> {
  const { count } = await db.workQueue.updateMany({ where: { name }, data: { paused } });
  if (count === 0) throw workQueueNotFound(name);
  // A trigger reads its queue's paused flag from the remembered deployment (the hand-off to a
  // waiting agent skips paused queues): forget them all, the flag has changed under them.
  forgetDeployments(db);
  // Agents long-polling this queue look again at once rather than on their next recheck.
  if (!paused) publish("run-queued", name);
}
