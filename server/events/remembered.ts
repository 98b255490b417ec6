// A small fact read from the database and remembered per process: whether any concurrency limit
// exists, whether anything watches runs' ends. The hot paths ask it on every claim or every run's
// end, and its answer rarely changes. Whatever changes it publishes `topic` after committing,
// which reaches every replica (NOTIFY) and drops the remembered answer; a short time-to-live
// bounds how stale it can be when a NOTIFY is lost (a LISTEN connection being re-opened).
// Remembered per database client (tests open several) and kept on globalThis: every bundle
// Next.js makes of a caller must share one answer.
import type { Db } from "../db/client.ts";
import { publish, subscribe, type Topic } from "./bus.ts";

type Entry<T> = { value: Promise<T>; at: number };
type Holder<T> = { entries: WeakMap<Db, Entry<T>> };

export type Remembered<T> = {
  /** The remembered answer, read again when it is older than the time-to-live. */
  get(db: Db): Promise<T>;
  /** Announces, after the change committed, that the answer changed on every replica. */
  changed(): void;
};

export function remembered<T>(
  name: string,
  { topic, ttlMs, load }: { topic: Topic; ttlMs: number; load: (db: Db) => Promise<T> },
): Remembered<T> {
  const key = Symbol.for(`pipebook.remembered.${name}`);
  function holder(): Holder<T> {
    const global = globalThis as { [key: symbol]: Holder<T> | undefined };
    let current = global[key];
    if (!current) {
      const created: Holder<T> = { entries: new WeakMap() };
      // A WeakMap cannot be cleared: replace it.
      subscribe(topic, () => {
        created.entries = new WeakMap();
      });
      current = global[key] = created;
    }
    return current;
  }
  return {
    get(db) {
      const h = holder();
      const cached = h.entries.get(db);
      if (cached && Date.now() - cached.at < ttlMs) return cached.value;
      const value = load(db);
      const entry = { value, at: Date.now() };
      h.entries.set(db, entry);
      // A failed read is not remembered.
      value.catch(() => {
        if (h.entries.get(db) === entry) h.entries.delete(db);
      });
      return value;
    },
    changed() {
      publish(topic, "");
    },
  };
}
