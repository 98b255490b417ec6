// A notification never carries a secret's value. What it quotes of a run (its state message or
// error) was masked when the agent reported it; this masks it again with the run's declared
// secrets as they are now, in case a value reached the run some other way (a cancel message, a
// secret changed since). Runs that declare no secret cost one cached lookup.
import { declaredNames } from "../../contract/flow-file/declared-names.ts";
import { Masker } from "../../contract/secret-masking.ts";
import type { Db } from "../db/client.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { readSecretValues } from "../secrets/read-secret-values.ts";
import { getSecretKey } from "../secrets/secret-key.ts";

export async function maskerForRun(db: Db, flowVersionId: string): Promise<Masker | null> {
  const version = await getFlowVersion(db, flowVersionId);
  const names = declaredNames(version.spec.tasks, "secrets");
  if (!names.length) return null;
  const found = await readSecretValues(db, getSecretKey(), names);
  return Masker.of(found.values.values());
}
