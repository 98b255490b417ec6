// A deployment's run-time settings that are not part of deploying it: its concurrency limit and
// its pause. A paused deployment's runs wait unclaimed (shown "Deployment paused") and its
// schedules create no runs; both changes are idempotent and announced to the claims of every
// replica after the commit (server/limits/limits-in-force.ts).
import type { Db } from "../db/client.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { announce } from "../limits/tag-limits.ts";

async function target(db: Db, id: string) {
  const row = isUuid(id)
    ? await db.deployment.findUnique({
        where: { id },
        select: { id: true, name: true, paused: true, concurrencyLimit: true },
      })
    : null;
  if (!row) throw new NotFoundError("deployment", id);
  return row;
}

export async function setDeploymentPaused(db: Db, id: string, paused: boolean, actor: Actor) {
  const deployment = await target(db, id);
  await db.$transaction(async (tx) => {
    // Only a call that flips the flag is a change worth an audit event.
    const { count } = await tx.deployment.updateMany({
      where: { id, paused: !paused },
      data: { paused },
    });
    if (count === 0) return;
    const action = paused ? "deployment.pause" : "deployment.resume";
    await audit(tx, actor, action, { type: "deployment", id, name: deployment.name });
  });
  announce(db);
}

export async function setDeploymentLimit(
  db: Db,
  id: string,
  concurrencyLimit: number | null,
  actor: Actor,
) {
  const deployment = await target(db, id);
  await db.$transaction(async (tx) => {
    await tx.deployment.update({ where: { id }, data: { concurrencyLimit } });
    await audit(
      tx,
      actor,
      "deployment.limit",
      { type: "deployment", id, name: deployment.name },
      { concurrencyLimit, previous: deployment.concurrencyLimit },
    );
  });
  announce(db);
}
