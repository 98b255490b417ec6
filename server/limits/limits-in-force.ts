// Which concurrency limits (and paused deployments) exist, remembered per process. Claims take the
// one-statement fast path while none exists anywhere (the usual case) and the serialized path
// (claim-within-limits.ts) once one does; a trigger hands a run straight to a waiting agent only
// when no limit applies to it. Whatever changes a limit or a pause publishes "limits-changed",
// which reaches every replica (NOTIFY) and drops the remembered answer; a short time-to-live
// bounds how stale it can be when a NOTIFY is lost (a LISTEN connection being re-opened).
import type { Db } from "../db/client.ts";
import { publish, subscribe } from "../events/bus.ts";

export type LimitsInForce = {
  /** Any queue, deployment or tag limit, or any paused deployment. */
  any: boolean;
  /** Tags that have a limit. */
  tags: ReadonlySet<string>;
};

const TTL_MS = 5_000;
const STATE = Symbol.for("pipebook.limits-in-force");

type State = {
  entries: WeakMap<Db, { value: Promise<LimitsInForce>; at: number }>;
  unsubscribe: () => void;
};

function state(): State {
  const holder = globalThis as { [STATE]?: State };
  if (!holder[STATE]) {
    const entries = new WeakMap<Db, { value: Promise<LimitsInForce>; at: number }>();
    const current: State = { entries, unsubscribe: () => undefined };
    // A WeakMap cannot be cleared: replace it.
    current.unsubscribe = subscribe("limits-changed", () => {
      current.entries = new WeakMap();
    });
    holder[STATE] = current;
  }
  return holder[STATE];
}

async function load(db: Db): Promise<LimitsInForce> {
  const [row] = await db.$queryRaw<{ limited: boolean; tags: string[] }[]>`
    SELECT EXISTS (SELECT 1 FROM "WorkQueue" WHERE "concurrencyLimit" IS NOT NULL)
        OR EXISTS (SELECT 1 FROM "Deployment" WHERE "concurrencyLimit" IS NOT NULL OR paused)
        AS limited,
      ARRAY(SELECT tag FROM "ConcurrencyLimit") AS tags`;
  const tags = new Set(row?.tags ?? []);
  return { any: Boolean(row?.limited) || tags.size > 0, tags };
}

export function limitsInForce(db: Db): Promise<LimitsInForce> {
  const s = state();
  const cached = s.entries.get(db);
  if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
  const value = load(db);
  s.entries.set(db, { value, at: Date.now() });
  // A failed read is not remembered.
  value.catch(() => s.entries.delete(db));
  return value;
}

/**
 * Announces, after the change committed, that limits or pauses changed: every replica forgets
 * what it remembered, and waiting claims look again, since a raised limit or a resumed
 * deployment may free runs at once.
 */
export function limitsChanged(): void {
  publish("limits-changed", "");
}

/** Whether a run of `deployment` may have to wait for a slot (or for the deployment's resume). */
export function limitsApplyTo(
  limits: LimitsInForce,
  deployment: {
    paused: boolean;
    concurrencyLimit: number | null;
    tags: readonly string[];
    workQueue: { concurrencyLimit: number | null };
  },
): boolean {
  return (
    limits.any &&
    (deployment.paused ||
      deployment.concurrencyLimit !== null ||
      deployment.workQueue.concurrencyLimit !== null ||
      deployment.tags.some((t) => limits.tags.has(t)))
  );
}
