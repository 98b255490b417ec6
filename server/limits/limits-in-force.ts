// Which concurrency limits (and paused deployments) exist, remembered per process. Claims take the
// one-statement fast path while none exists anywhere (the usual case) and the serialized path
// (claim-within-limits.ts) once one does; a trigger hands a run straight to a waiting agent only
// when no limit applies to it. Whatever changes a limit or a pause announces it (limitsChanged):
// every replica forgets the answer (events/remembered.ts).
import type { Db } from "../db/client.ts";
import { remembered } from "../events/remembered.ts";

export type LimitsInForce = {
  /** Any queue, deployment or tag limit, or any paused deployment. */
  any: boolean;
  /** Tags that have a limit. */
  tags: ReadonlySet<string>;
};

const LIMITS = remembered("limits-in-force", {
  topic: "limits-changed",
  ttlMs: 5_000,
  async load(db): Promise<LimitsInForce> {
    const [row] = await db.$queryRaw<{ limited: boolean; tags: string[] }[]>`
      SELECT EXISTS (SELECT 1 FROM "WorkQueue" WHERE "concurrencyLimit" IS NOT NULL)
          OR EXISTS (SELECT 1 FROM "Deployment" WHERE "concurrencyLimit" IS NOT NULL OR paused)
          AS limited,
        ARRAY(SELECT tag FROM "ConcurrencyLimit") AS tags`;
    const tags = new Set(row?.tags ?? []);
    return { any: Boolean(row?.limited) || tags.size > 0, tags };
  },
});

export function limitsInForce(db: Db): Promise<LimitsInForce> {
  return LIMITS.get(db);
}

/**
 * Announces, after the change committed, that limits or pauses changed: every replica forgets
 * what it remembered, and waiting claims look again, since a raised limit or a resumed
 * deployment may free runs at once.
 */
export function limitsChanged(): void {
  LIMITS.changed();
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
