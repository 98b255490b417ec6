// Overlap policies (Deployment.overlap): what a schedule's run does when its slot comes while an
// earlier run of the deployment's schedules is still active. Only runs its schedules started
// count, on both sides: a manual, triggered or backfill run neither holds a scheduled one back
// nor is cancelled by it (the deployment's concurrency limit governs those).
//
// The claim never takes a scheduled run of a deployment with a policy other than allow while one
// of its scheduled runs is active (SCHEDULED_RUN_HELD_BACK, state-machine/leases.ts); the
// scheduler's step then settles the held runs by the policy (settleOverlap, one pure table).
import { flowRunStatesLeadingTo } from "../../contract/run-states.ts";
import type { OverlapPolicy } from "../../contract/schedules.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { PipebookError } from "../errors.ts";
import { cancelFlowRun } from "../runs/cancel-flow-run.ts";
import { scheduledRunActive } from "../runs/state-machine/index.ts";

type Held = { id: string; deploymentId: string; overlap: OverlapPolicy };

const REASONS = {
  skip: "Skipped: the deployment's previous scheduled run was still going at this slot (overlap policy skip)",
  bufferOne:
    "Skipped: a run of this deployment already waits for its previous run to end (overlap policy bufferOne)",
  superseded: "Skipped: a later slot came while it waited (overlap policy cancelPrevious)",
  previous:
    "Cancelled: the next slot came while it was still going (overlap policy cancelPrevious)",
} as const;

export type Settlement = {
  /** Held runs to cancel, each with why. */
  cancel: { id: string; reason: keyof typeof REASONS }[];
  /** Whether the deployment's active scheduled runs are cancelled too. */
  cancelActive: boolean;
};

/**
 * What a policy does with one deployment's held runs (oldest slot first): skip cancels them all,
 * bufferOne keeps the oldest waiting and cancels the rest, cancelPrevious keeps the newest (which
 * starts once the earlier run has stopped) and cancels the earlier run and the older held ones.
 */
export function settleOverlap(policy: OverlapPolicy, held: readonly string[]): Settlement {
  const cancel = (ids: readonly string[], reason: keyof typeof REASONS) =>
    ids.map((id) => ({ id, reason }));
  switch (policy) {
    case "allow":
      return { cancel: [], cancelActive: false };
    case "skip":
      return { cancel: cancel(held, "skip"), cancelActive: false };
    case "bufferOne":
      return { cancel: cancel(held.slice(1), "bufferOne"), cancelActive: false };
    case "cancelPrevious":
      return { cancel: cancel(held.slice(0, -1), "superseded"), cancelActive: held.length > 0 };
  }
}

/** Settles the scheduled runs that overlap holds back; returns how many runs it cancelled. */
export async function resolveOverlaps(db: Db, now: Date): Promise<number> {
  const held = await db.$queryRaw<Held[]>`
    SELECT r.id, r."deploymentId", d.overlap::text AS overlap
    FROM "FlowRun" r JOIN "Deployment" d ON d.id = r."deploymentId"
    WHERE r.state = 'Scheduled' AND r."scheduledAt" <= ${now}::timestamptz
      AND r."scheduleId" IS NOT NULL AND d.overlap <> 'allow'
      AND ${scheduledRunActive(Prisma.sql`r."deploymentId"`, Prisma.sql`r.id`)}
    ORDER BY r."deploymentId", r."scheduledAt", r.id`;
  const byDeployment = new Map<string, Held[]>();
  for (const run of held) {
    byDeployment.set(run.deploymentId, [...(byDeployment.get(run.deploymentId) ?? []), run]);
  }
  let cancelled = 0;
  const cancel = async (id: string, reason: string) => {
    try {
      await cancelFlowRun(db, id, undefined, reason);
      cancelled++;
    } catch (error) {
      // It ended (or was taken) meanwhile: nothing left to settle for it.
      if (!(error instanceof PipebookError)) throw error;
    }
  };
  for (const [deploymentId, runs] of byDeployment) {
    const settlement = settleOverlap(
      runs[0]!.overlap,
      runs.map((r) => r.id),
    );
    for (const { id, reason } of settlement.cancel) await cancel(id, REASONS[reason]);
    if (!settlement.cancelActive) continue;
    const active = await db.flowRun.findMany({
      where: {
        deploymentId,
        scheduleId: { not: null },
        state: { in: flowRunStatesLeadingTo("Cancelling") },
      },
      select: { id: true },
    });
    for (const run of active) await cancel(run.id, REASONS.previous);
  }
  return cancelled;
}
