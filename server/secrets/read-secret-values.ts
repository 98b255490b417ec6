// Decrypted values, for the two places that need them: a run's task context (what its tasks
// declared) and the masks of its logs and results. No API answer is ever made of these.
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { decryptSecret, SecretDecryptError, type SecretKey } from "./crypto.ts";

export type SecretValues = {
  values: Map<string, string>;
  /** Names with no secret. */
  missing: string[];
  /** Names whose stored value cannot be decrypted with this key, with why. */
  unreadable: { name: string; reason: string }[];
};

export async function readSecretValues(
  db: Db,
  key: SecretKey,
  names: readonly string[],
): Promise<SecretValues> {
  const out: SecretValues = { values: new Map(), missing: [], unreadable: [] };
  if (names.length === 0) return out;
  const rows = await db.secret.findMany({
    where: { name: { in: [...names] } },
    select: { name: true, ciphertext: true },
  });
  const byName = new Map(rows.map((r) => [r.name, r.ciphertext]));
  for (const name of names) {
    const stored = byName.get(name);
    if (!stored) {
      out.missing.push(name);
      continue;
    }
    try {
      out.values.set(name, decryptSecret(key, name, stored));
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      out.unreadable.push({ name, reason: error.message });
    }
  }
  return out;
}

/** All of them, or a clear error naming the first that is missing or unreadable. */
export function requireAll(found: SecretValues, context: string): Map<string, string> {
  const missing = found.missing[0];
  if (missing !== undefined) {
    throw new PipebookError(
      "not_found",
      `${context} declares secret "${missing}", which does not exist: set it in the studio (Secrets & variables) or with \`pipebook secret set ${missing}\``,
    );
  }
  const unreadable = found.unreadable[0];
  if (unreadable) throw new PipebookError("conflict", unreadable.reason);
  return found.values;
}
