// Deleting a variable, with its history.
import type { Db } from "../db/client.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import { NotFoundError } from "../errors.ts";

export async function deleteVariable(
  db: Db,
  name: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const [deleted] = await tx.$queryRaw<{ id: string }[]>`
      DELETE FROM "Variable" WHERE name = ${name} RETURNING id`;
    if (!deleted) throw new NotFoundError("variable", name);
    await audit(tx, actor, "variable.delete", { type: "variable", id: deleted.id, name });
  });
}
