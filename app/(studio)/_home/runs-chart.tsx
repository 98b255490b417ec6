"use client";
// Runs of the last 24 hours by state: a stacked bar per hour of the runs' scheduled times. Each
// segment opens the runs page on that hour and state; the legend on the whole day and a state.
import Link from "next/link";
import { FILL } from "@/app/_lib/state-colors";
import type { FlowRunDisplayState } from "@/contract/run-states";
import { FLOW_RUN_DISPLAY_STATES } from "@/contract/run-states";
import type { HourOfRuns } from "@/server/dashboard/runs-by-hour";
import { runsHref } from "../runs/runs-url";

const hourLabel = (iso: string) =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

export function RunsChart({ hours }: { hours: HourOfRuns[] }) {
  const totals = hours.map((h) => Object.values(h.counts).reduce((a, b) => a + (b ?? 0), 0));
  const max = Math.max(1, ...totals);
  const day = Object.fromEntries(
    FLOW_RUN_DISPLAY_STATES.map((s) => [s, hours.reduce((n, h) => n + (h.counts[s] ?? 0), 0)]),
  ) as Record<FlowRunDisplayState, number>;
  return (
    <figure aria-label="Runs of the last 24 hours by state">
      <div className="flex h-40 items-end gap-1" role="list">
        {hours.map((hour, i) => (
          <div
            key={hour.start}
            role="listitem"
            aria-label={`${hourLabel(hour.start)}: ${totals[i]} runs`}
            className="flex h-full min-w-0 flex-1 flex-col-reverse"
          >
            {FLOW_RUN_DISPLAY_STATES.filter((s) => hour.counts[s]).map((state) => (
              <Link
                key={state}
                data-segment={state}
                href={runsHref({ states: [state], from: hour.start, until: hour.end })}
                title={`${hour.counts[state]} ${state}, ${hourLabel(hour.start)}–${hourLabel(hour.end)}`}
                className={`block w-full first:rounded-b-sm last:rounded-t-sm hover:opacity-80 ${FILL[state]}`}
                style={{ height: `${((hour.counts[state] ?? 0) / max) * 100}%` }}
              />
            ))}
          </div>
        ))}
      </div>
      <div className="mt-1 flex gap-1 text-[10px] text-zinc-500" aria-hidden>
        {hours.map((hour, i) => (
          <span key={hour.start} className="min-w-0 flex-1 text-center">
            {i % 4 === 3 ? hourLabel(hour.start) : ""}
          </span>
        ))}
      </div>
      <figcaption className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {FLOW_RUN_DISPLAY_STATES.filter((s) => day[s]).map((state) => (
          <Link
            key={state}
            href={runsHref({ states: [state], since: "24h" })}
            className="inline-flex items-center gap-1.5 hover:underline"
          >
            <span className={`size-2.5 rounded-sm ${FILL[state]}`} aria-hidden />
            {state} <span className="tabular-nums text-zinc-500">{day[state]}</span>
          </Link>
        ))}
      </figcaption>
    </figure>
  );
}
