// Pausing a work queue: its waiting runs stay Scheduled (shown Paused) and no agent claims them
// until it is resumed; runs already claimed go on. Both are idempotent: pausing a paused queue
// changes nothing and is no error, as in `prefect work-queue pause`.
import type { Db } from "../db/client.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { forgetDeployments } from "../deployments/deployment-cache.ts";
import { publish } from "../events/bus.ts";
import { workQueueNotFound } from "./list-work-queues.ts";

export async function setWorkQueuePaused(
  db: Db,
  name: string,
  paused: boolean,
  actor: Actor = SYSTEM_ACTOR,
): Promise<void> {
  await db.$transaction(async (tx) => {
    // Only a call that flips the flag is a change worth an audit event.
    const [changed] = await tx.workQueue.updateManyAndReturn({
      where: { name, paused: !paused },
      data: { paused },
      select: { id: true },
    });
    if (changed) {
      const action = paused ? "workQueue.pause" : "workQueue.resume";
      await audit(tx, actor, action, { type: "workQueue", id: changed.id, name });
    } else if (!(await tx.workQueue.findUnique({ where: { name }, select: { id: true } }))) {
      throw workQueueNotFound(name);
    }
  });
  // A trigger reads its queue's paused flag from the remembered deployment (the hand-off to a
  // waiting agent skips paused queues): forget them all, the flag has changed under them.
  forgetDeployments(db);
  // Agents long-polling this queue look again at once rather than on their next recheck.
  if (!paused) publish("run-queued", name);
}
