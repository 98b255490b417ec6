// Setting a variable: the new value becomes its next version, and the version row keeps it with
// who set it and when. Setting the value it already has changes nothing (no new version).
import type { SetVariableResponseSchema } from "../../contract/api-v1.ts";
import type * as z from "zod";
import type { Db } from "../db/client.ts";
import { getVariable } from "./list-variables.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export async function setVariable(
  db: Db,
  input: { name: string; value: unknown; actor?: Actor },
): Promise<z.infer<typeof SetVariableResponseSchema>> {
  const json = JSON.stringify(input.value);
  // One statement: the upsert only touches the row when the value differs (jsonb compares
  // values, not text), and the history row hangs off what it returned.
  const actor = input.actor ?? SYSTEM_ACTOR;
  const changed = await db.$transaction(async (tx) => {
    const changed = await tx.$queryRaw<{ id: string; version: number }[]>`
      WITH v AS (
        INSERT INTO "Variable" (name, value) VALUES (${input.name}, ${json}::jsonb)
        ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value,
          version = "Variable".version + 1, "updatedAt" = now()
        WHERE "Variable".value IS DISTINCT FROM EXCLUDED.value
        RETURNING id, version, value, "updatedAt"
      ), history AS (
        INSERT INTO "VariableVersion" ("variableId", version, value, "createdAt", "createdById")
        SELECT id, version, value, "updatedAt", ${actor.userId}::uuid FROM v
      )
      SELECT id, version FROM v`;
    // The version, not the value: the history keeps values, readable to those who may read them.
    const [row] = changed;
    if (row) {
      const target = { type: "variable", id: row.id, name: input.name } as const;
      await audit(tx, actor, "variable.set", target, { version: row.version });
    }
    return changed;
  });
  return { ...(await getVariable(db, input.name)), changed: changed.length > 0 };
}
