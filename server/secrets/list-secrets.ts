// What anyone may see of secrets: names, when they changed and who changed them — never values.
import type { SecretView } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";

const select = {
  name: true,
  createdAt: true,
  updatedAt: true,
  updatedBy: { select: { name: true } },
} as const;

type Row = { name: string; createdAt: Date; updatedAt: Date; updatedBy: { name: string } | null };

const view = (row: Row): SecretView => ({
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy?.name ?? null,
});

export async function listSecrets(db: Db): Promise<SecretView[]> {
  const rows = await db.secret.findMany({ select, orderBy: { name: "asc" } });
  return rows.map(view);
}

export async function getSecretInfo(db: Db, name: string): Promise<SecretView> {
  const row = await db.secret.findUnique({ where: { name }, select });
  if (!row) throw new NotFoundError("secret", name);
  return view(row);
}
