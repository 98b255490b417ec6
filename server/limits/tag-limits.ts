// Setting and removing a tag's concurrency limit. Both announce the change (limitsChanged) after
// the commit: claims on every replica re-read which limits exist, and waiting ones look again.
import type { Db } from "../db/client.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { forgetDeployments } from "../deployments/deployment-cache.ts";
import { NotFoundError } from "../errors.ts";
import { limitsChanged } from "./limits-in-force.ts";

export async function setTagLimit(db: Db, tag: string, limit: number, actor: Actor) {
  await db.$transaction(async (tx) => {
    const before = await tx.concurrencyLimit.findUnique({
      where: { tag },
      select: { limit: true },
    });
    await tx.concurrencyLimit.upsert({
      where: { tag },
      create: { tag, limit },
      update: { limit },
    });
    await audit(
      tx,
      actor,
      "concurrencyLimit.set",
      { type: "concurrencyLimit", id: tag, name: tag },
      { limit, previous: before?.limit ?? null },
    );
  });
  announce(db);
}

export async function deleteTagLimit(db: Db, tag: string, actor: Actor) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.concurrencyLimit.deleteMany({ where: { tag } });
    if (count === 0) throw new NotFoundError("concurrency limit of tag", tag);
    await audit(tx, actor, "concurrencyLimit.delete", {
      type: "concurrencyLimit",
      id: tag,
      name: tag,
    });
  });
  announce(db);
}

/** After a limit or pause changed: remembered deployments and limits are stale everywhere. */
export function announce(db: Db) {
  forgetDeployments(db);
  limitsChanged();
}
