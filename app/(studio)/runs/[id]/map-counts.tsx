"use client";
// A mapped task's items at a glance: how many, how many in each state, and a bar whose segments
// are those counts (the progress bar while the items run). Shown on its graph node, its
// timeline row and its panel.
import { FILL, stateLabel } from "@/app/_lib/state-colors";
import type { TaskRunState } from "@/contract/run-states";

import { BAR_ORDER, itemsDone, itemStates, type MapSummary } from "./map-summary";

export { timesLabel, type MapSummary } from "./map-summary";

export function MapBar({
  map,
  running,
  className = "",
}: {
  map: MapSummary;
  running: boolean;
  className?: string;
}) {
  const total = map.count ?? 0;
  const done = itemsDone(map);
  return (
    <div
      role="progressbar"
      aria-label="Items done"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={`${done.toLocaleString()} of ${total.toLocaleString()} items done`}
      data-running={running ? "" : undefined}
      className={`flex overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 ${className}`}
    >
      {total > 0
        ? BAR_ORDER.filter((s) => s !== "Pending" && (map.states[s] ?? 0) > 0).map((s) => (
            <span
              key={s}
              className={`${FILL[s]} ${s === "Running" ? "animate-pulse" : ""}`}
              style={{ width: `${((map.states[s] ?? 0) / total) * 100}%` }}
            />
          ))
        : null}
    </div>
  );
}

/** "● 48 completed ● 2 failed", each count in its state's colour. */
export function MapCounts({
  map,
  compact = false,
  onState,
}: {
  map: MapSummary;
  /** Numbers only (the graph's node), the state named in the title. */
  compact?: boolean;
  /** Makes each count a button (the panel's filter). */
  onState?: (state: TaskRunState) => void;
}) {
  const states = itemStates(map);
  if (states.length === 0) {
    return <span className="text-zinc-500">{map.count === null ? "not started" : "no items"}</span>;
  }
  return (
    <span className="inline-flex min-w-0 flex-wrap items-center gap-x-2" data-testid="map-counts">
      {states.map(([state, n]) => {
        const body = (
          <>
            <span className={`size-2 shrink-0 rounded-full ${FILL[state]}`} aria-hidden />
            <span className="tabular-nums" data-count>
              {n.toLocaleString()}
            </span>
            {/* Compact, a lone state is still named: "● 50 completed". */}
            {compact && states.length > 1 ? null : <span>{stateLabel(state).toLowerCase()}</span>}
          </>
        );
        const title = `${n.toLocaleString()} ${stateLabel(state).toLowerCase()}`;
        return onState ? (
          <button
            key={state}
            type="button"
            data-state={state}
            aria-label={`${n.toLocaleString()} ${stateLabel(state).toLowerCase()}: show only these items`}
            title={`Show the ${stateLabel(state).toLowerCase()} items`}
            onClick={() => onState(state)}
            className="inline-flex items-center gap-1 rounded px-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            {body}
          </button>
        ) : (
          <span
            key={state}
            data-state={state}
            title={title}
            className="inline-flex items-center gap-1"
          >
            {body}
          </span>
        );
      })}
    </span>
  );
}
