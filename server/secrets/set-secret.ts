// Setting a secret: encrypted here, in this process, before it goes anywhere near the database —
// the INSERT carries only ciphertext. Setting an existing name replaces its value.
import type { SetSecretResponseSchema } from "../../contract/api-v1.ts";
import type * as z from "zod";
import type { Db } from "../db/client.ts";
import { publish } from "../events/bus.ts";
import { encryptSecret, type SecretKey } from "./crypto.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export async function setSecret(
  db: Db,
  key: SecretKey,
  input: { name: string; value: string; actor?: Actor },
): Promise<z.infer<typeof SetSecretResponseSchema>> {
  const ciphertext = encryptSecret(key, input.name, input.value);
  const actor = input.actor ?? SYSTEM_ACTOR;
  // One statement; `xmax = 0` is PostgreSQL's word for "this row was inserted, not updated".
  const row = await db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<
      { id: string; createdAt: Date; updatedAt: Date; updatedBy: string | null; created: boolean }[]
    >`
      WITH s AS (
        INSERT INTO "Secret" (name, ciphertext, "keyId", "updatedById")
        VALUES (${input.name}, ${ciphertext}, ${key.id}, ${actor.userId}::uuid)
        ON CONFLICT (name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext,
          "keyId" = EXCLUDED."keyId", "updatedById" = EXCLUDED."updatedById", "updatedAt" = now()
        RETURNING id, "createdAt", "updatedAt", "updatedById", (xmax = 0) AS created
      )
      SELECT s.id, s."createdAt", s."updatedAt", u.name AS "updatedBy", s.created
      FROM s LEFT JOIN "User" u ON u.id = s."updatedById"`;
    // The name and whether it is new: never the value.
    await audit(
      tx,
      actor,
      "secret.set",
      { type: "secret", id: row!.id, name: input.name },
      { created: row!.created },
    );
    return row;
  });
  // Runs that declared it mask the new value from now on (server/secrets/run-masks.ts).
  publish("secret-changed", input.name);
  return {
    name: input.name,
    createdAt: row!.createdAt.toISOString(),
    updatedAt: row!.updatedAt.toISOString(),
    updatedBy: row!.updatedBy,
    created: row!.created,
  };
}
