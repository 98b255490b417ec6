// Why a due run waits: "Waiting for a slot of tag db (2/2 in use)", "Deployment paused", … —
// computed on read, from the same facts the claim looks at (claim-within-limits.ts), for the run
// page, the runs list, the work queue preview, GET /api/v1/flow-runs/:id and `pipebook runs`.
export type SlotUse = { name: string; limit: number; inUse: number };

// A paused work queue is not among them: its runs already show the state Paused.
export type WaitFacts = {
  deploymentPaused: boolean;
  queue: SlotUse | null;
  deployment: SlotUse | null;
  tags: SlotUse[];
};

const full = (s: SlotUse | null): s is SlotUse => s !== null && s.inUse >= s.limit;
const slot = (what: string, s: SlotUse) =>
  `Waiting for a slot of ${what} ${s.name} (${s.inUse}/${s.limit} in use)`;

/** The first reason that holds the run back, in the order a user fixes them; null if none. */
export function waitingReason(f: WaitFacts): string | null {
  if (f.deploymentPaused) return "Deployment paused";
  const tag = [...f.tags].sort((a, b) => a.name.localeCompare(b.name)).find(full);
  if (tag) return slot("tag", tag);
  if (full(f.deployment)) return slot("deployment", f.deployment);
  if (full(f.queue)) return slot("work queue", f.queue);
  return null;
}
