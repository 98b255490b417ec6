// Every row of every table of a database as text, for tests that prove a value is stored nowhere
// in clear: bytea columns print as hex, so a value stored as plain bytes shows too (look for its
// hex as well as its text).
import type { Db } from "../../server/db/client.ts";

export async function databaseText(db: Db): Promise<string> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
  const parts: string[] = [];
  for (const { name } of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT t::text AS row FROM "${name.replaceAll('"', '""')}" t`,
    );
    parts.push(`-- ${name}`, ...rows.map((r) => r.row));
  }
  return parts.join("\n");
}

/** The forms a value would take in `databaseText` if it were stored in clear. */
export function clearForms(value: string): string[] {
  return [value, Buffer.from(value, "utf8").toString("hex")];
}
