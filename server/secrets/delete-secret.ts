// Deleting a secret. Runs that declared it fail at their next task start, saying it is gone.
import type { Db } from "../db/client.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { NotFoundError } from "../errors.ts";
import { publish } from "../events/bus.ts";

export async function deleteSecret(
  db: Db,
  name: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const [deleted] = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM "Secret" WHERE name = ${name} RETURNING id`;
    if (!deleted) throw new NotFoundError("secret", name);
    await audit(tx, actor, "secret.delete", { type: "secret", id: deleted.id, name });
  });
  publish("secret-changed", name);
}
