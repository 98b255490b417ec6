// Which values each run's reports must mask: the secrets its tasks declare, decrypted once per run
// and kept for the run's life (on globalThis, shared by every bundle of this file). A run that
// declares none costs nothing per report: its entry says so, primed at claim from the cached flow
// version (a report that lands on another replica reads the run's version once).
//
// Values only ever accumulate for a run: when a secret changes mid-run ("secret-changed", also
// from other replicas), its new value is added and the old one kept, since a task that started
// earlier may still print it. Values the run's tasks were served (server/run-context/) are added
// as they are served.
import { declaredNames } from "../../contract/flow-file/declared-names.ts";
import type { Db } from "../db/client.ts";
import { subscribe } from "../events/bus.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { log } from "../log.ts";
import type { SecretKey } from "./crypto.ts";
import { Masker } from "../../contract/secret-masking.ts";
import { readSecretValues } from "./read-secret-values.ts";

type Entry = {
  /** The secrets the run's tasks declare. */
  names: readonly string[];
  values: Set<string>;
  masker: Masker | null;
  /** Values must be (re)read: never read yet, or one of the secrets changed. */
  stale: boolean;
};

// A run's entry is dropped when it ends; this bounds what runs that never say so can leave.
const MAX_RUNS = 10_000;

type State = { runs: Map<string, Entry> };
const STATE = Symbol.for("pipebook.run-masks");

function state(): State {
  const holder = globalThis as { [STATE]?: State };
  if (!holder[STATE]) {
    const runs = new Map<string, Entry>();
    subscribe("secret-changed", (name) => {
      for (const entry of runs.values()) if (entry.names.includes(name)) entry.stale = true;
    });
    subscribe("run-ended", (runId) => runs.delete(runId));
    holder[STATE] = { runs };
  }
  return holder[STATE];
}

function remember(runId: string, entry: Entry): Entry {
  const { runs } = state();
  runs.delete(runId);
  if (runs.size >= MAX_RUNS) runs.delete(runs.keys().next().value!);
  runs.set(runId, entry);
  return entry;
}

const newEntry = (names: readonly string[]): Entry => ({
  names,
  values: new Set(),
  masker: null,
  stale: names.length > 0,
});

/** At claim: the secrets this run's tasks declare (from the flow version already in hand). */
export function primeRunMasks(runId: string, declared: readonly string[]): void {
  const known = state().runs.get(runId);
  if (known && known.names.join("\0") === declared.join("\0")) return;
  remember(runId, newEntry(declared));
}

/** The masker for a run's report, or null when the run has nothing to mask. */
export async function runMasker(
  db: Db,
  key: () => SecretKey,
  runId: string,
): Promise<Masker | null> {
  let entry = state().runs.get(runId);
  if (!entry) {
    const run = await db.flowRun.findUnique({
      where: { id: runId },
      select: { flowVersionId: true },
    });
    if (!run) return null;
    const version = await getFlowVersion(db, run.flowVersionId);
    entry = remember(runId, newEntry(declaredNames(version.spec.tasks, "secrets")));
  }
  if (entry.stale) {
    entry.stale = false;
    const found = await readSecretValues(db, key(), entry.names);
    for (const { name, reason } of found.unreadable) {
      log.warn(`run ${runId}: cannot mask secret "${name}" (${reason})`);
    }
    addValues(entry, found.values.values());
  }
  return entry.masker;
}

/** Values the run's tasks were just given: masked from now on whatever else happened. */
export function rememberServedValues(
  runId: string,
  declared: readonly string[],
  values: Iterable<string>,
): void {
  const entry = state().runs.get(runId) ?? remember(runId, newEntry(declared));
  addValues(entry, values);
}

function addValues(entry: Entry, values: Iterable<string>) {
  const before = entry.values.size;
  for (const value of values) entry.values.add(value);
  if (entry.values.size !== before || !entry.masker) entry.masker = Masker.of(entry.values);
}
