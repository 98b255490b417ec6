// A digest of every table's rows, to show that a refused request changed nothing. Columns that
// any authenticated request may touch (when a key was last used) are left out by name.
import type { Db } from "../../server/db/client.ts";

export type Fingerprint = Map<string, string>;

export async function tablesOf(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name <> '_prisma_migrations'
    ORDER BY table_name`;
  return rows.map((row) => row.name);
}

/** One query for all tables: each row as JSON less the ignored columns, digested in order. */
export async function fingerprint(
  db: Db,
  tables: string[],
  ignored: Record<string, string[]> = {},
): Promise<Fingerprint> {
  const parts = tables.map((table) => {
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const minus = (ignored[table] ?? []).map((column) => ` - '${column}'`).join("");
    return `SELECT '${table}' AS name, md5(coalesce(string_agg(d, ',' ORDER BY d), '')) AS digest
      FROM (SELECT md5((to_jsonb(r)${minus})::text) AS d FROM ${quoted} r) s`;
  });
  const rows = await db.$queryRawUnsafe<{ name: string; digest: string }[]>(
    parts.join(" UNION ALL "),
  );
  return new Map(rows.map((row) => [row.name, row.digest]));
}

/** The tables whose digest differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...after.keys()].filter((name) => before.get(name) !== after.get(name));
}
