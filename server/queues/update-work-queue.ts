// Editing a work queue's settings: description, priority (lower is claimed first by an agent
// serving several queues) and concurrency limit (null: none). A changed limit or priority is
// announced to the claims of every replica after the commit.
import type { UpdateWorkQueueRequest } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { announce } from "../limits/tag-limits.ts";
import { publish } from "../events/bus.ts";
import { workQueueNotFound } from "./list-work-queues.ts";

export async function updateWorkQueue(
  db: Db,
  name: string,
  change: UpdateWorkQueueRequest,
  actor: Actor,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const [updated] = await tx.workQueue.updateManyAndReturn({
      where: { name },
      data: change,
      select: { id: true },
    });
    if (!updated) throw workQueueNotFound(name);
    await audit(
      tx,
      actor,
      "workQueue.update",
      { type: "workQueue", id: updated.id, name },
      {
        fields: Object.keys(change),
        ...(change.priority !== undefined ? { priority: change.priority } : {}),
        ...(change.concurrencyLimit !== undefined
          ? { concurrencyLimit: change.concurrencyLimit }
          : {}),
      },
    );
  });
  if (change.concurrencyLimit !== undefined) announce(db);
  // A raised limit (or a new order) may let agents of this queue take runs at once.
  publish("run-queued", name);
}
