// Variables as people and scripts read them: the current value with who set it, and the history.
import type { VariableHistory, VariableView } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";
import { Prisma } from "../db/generated/client.ts";

type Row = {
  name: string;
  value: unknown;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
};

// Who set the current value is on its version row.
const rows = (db: Db, where: Prisma.Sql) => db.$queryRaw<Row[]>`
  SELECT v.name, v.value, v.version, v."createdAt", v."updatedAt", u.name AS "updatedBy"
  FROM "Variable" v
  LEFT JOIN "VariableVersion" h ON h."variableId" = v.id AND h.version = v.version
  LEFT JOIN "User" u ON u.id = h."createdById"
  WHERE ${where}
  ORDER BY v.name`;

const view = (row: Row): VariableView => ({
  name: row.name,
  value: row.value,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy,
});

export async function listVariables(db: Db): Promise<VariableView[]> {
  return (await rows(db, Prisma.sql`true`)).map(view);
}

export async function getVariable(db: Db, name: string): Promise<VariableView> {
  const [row] = await rows(db, Prisma.sql`v.name = ${name}`);
  if (!row) throw new NotFoundError("variable", name);
  return view(row);
}

export async function getVariableHistory(db: Db, name: string): Promise<VariableHistory> {
  const variable = await db.variable.findUnique({
    where: { name },
    select: {
      versions: {
        orderBy: { version: "desc" },
        select: {
          version: true,
          value: true,
          createdAt: true,
          createdBy: { select: { name: true } },
        },
      },
    },
  });
  if (!variable) throw new NotFoundError("variable", name);
  return {
    name,
    versions: variable.versions.map((v) => ({
      version: v.version,
      value: v.value,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdBy?.name ?? null,
    })),
  };
}

/** The current values of these variables, for a run's task context. */
export async function readVariableValues(
  db: Db,
  names: readonly string[],
): Promise<{ values: Map<string, unknown>; missing: string[] }> {
  if (names.length === 0) return { values: new Map(), missing: [] };
  const found = await db.variable.findMany({
    where: { name: { in: [...names] } },
    select: { name: true, value: true },
  });
  const values = new Map<string, unknown>(found.map((v) => [v.name, v.value]));
  return { values, missing: names.filter((n) => !values.has(n)) };
}
