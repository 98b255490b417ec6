// Deleting a secret. Runs that declared it fail at their next task start, saying it is gone.
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";
import { publish } from "../events/bus.ts";

export async function deleteSecret(db: Db, name: string): Promise<void> {
  const { count } = await db.secret.deleteMany({ where: { name } });
  if (count === 0) throw new NotFoundError("secret", name);
  publish("secret-changed", name);
}
