"use client";
// A backfill's progress: one bar in the states' colours (ended runs by state, then those in
// flight, then the slots not created yet), and the counts in words.
import type { BackfillView } from "@/contract/backfills";
import { FLOW_RUN_STATES, isFinalFlowRunState } from "@/contract/run-states";
import { FILL } from "@/app/_lib/state-colors";

export function BackfillProgress({ backfill }: { backfill: BackfillView }) {
  const { total, counts } = backfill;
  const order = [
    ...FLOW_RUN_STATES.filter(isFinalFlowRunState),
    ...FLOW_RUN_STATES.filter((s) => !isFinalFlowRunState(s)),
  ];
  const parts = order.map((state) => ({ state, n: counts.byState[state] })).filter((p) => p.n > 0);
  return (
    <div className="flex flex-col gap-1">
      <div
        role="progressbar"
        aria-label="Runs ended"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={backfill.ended}
        className="flex h-2.5 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
      >
        {parts.map((p) => (
          <div
            key={p.state}
            className={FILL[p.state]}
            style={{ width: `${(100 * p.n) / total}%` }}
            title={`${p.state}: ${p.n}`}
          />
        ))}
      </div>
      <p className="text-xs text-zinc-500" data-testid="backfill-counts">
        <span data-ended={backfill.ended}>
          {backfill.ended}/{total} ended
        </span>
        {parts.map((p) => (
          <span key={p.state} data-state-count={p.state}>
            {" "}
            · {p.state} {p.n}
          </span>
        ))}
        {counts.notCreated ? <span> · {counts.notCreated} not created yet</span> : null}
      </p>
    </div>
  );
}
