// Deleting a variable, with its history.
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";

export async function deleteVariable(db: Db, name: string): Promise<void> {
  const { count } = await db.variable.deleteMany({ where: { name } });
  if (count === 0) throw new NotFoundError("variable", name);
}
