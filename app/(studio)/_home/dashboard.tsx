"use client";
// The home dashboard: the last day's runs by state, recent failures with the task that failed
// and its error, late runs, the slowest flows. Every figure links to the runs behind it.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { formatDurationMs } from "@/contract/duration";
import { FAILED_FLOW_RUN_STATES } from "@/contract/run-states";
import { runsHref } from "../runs/runs-url";
import { RunsChart } from "./runs-chart";

const REFRESH_MS = 5_000;
const live = { refetchInterval: REFRESH_MS } as const;

function Panel({
  title,
  more,
  children,
  className = "",
}: {
  title: ReactNode;
  more?: { href: string; label: string };
  children: ReactNode;
  className?: string;
}) {
  const heading = typeof title === "string" ? title : undefined;
  return (
    <section
      aria-label={heading}
      className={`rounded-xl border border-zinc-200 p-4 dark:border-zinc-800 ${className}`}
    >
      <header className="mb-3 flex items-baseline justify-between">
        <h2 className="text-sm font-semibold">{title}</h2>
        {more ? (
          <Link href={more.href} className="text-xs text-indigo-600 hover:underline">
            {more.label}
          </Link>
        ) : null}
      </header>
      {children}
    </section>
  );
}

const Quiet = ({ children }: { children: ReactNode }) => (
  <p className="text-sm text-zinc-500">{children}</p>
);

export function Dashboard() {
  const trpc = useTRPC();
  const hours = useQuery({ ...trpc.dashboard.runsByHour.queryOptions(), ...live });
  const failures = useQuery({ ...trpc.dashboard.recentFailures.queryOptions(), ...live });
  const late = useQuery({ ...trpc.dashboard.lateRuns.queryOptions(), ...live });
  const slowest = useQuery({ ...trpc.dashboard.slowestFlows.queryOptions({ days: 7 }), ...live });

  return (
    <div className="grid grid-cols-2 gap-4 px-8 py-6">
      <Panel
        title="Runs, last 24 hours"
        more={{ href: runsHref({ since: "24h" }), label: "All runs of the last 24 h" }}
        className="col-span-2"
      >
        {hours.data ? <RunsChart hours={hours.data} /> : <Quiet>Loading…</Quiet>}
      </Panel>

      <Panel
        title="Recent failures"
        more={{ href: runsHref({ states: [...FAILED_FLOW_RUN_STATES] }), label: "All failures" }}
      >
        {!failures.data ? (
          <Quiet>Loading…</Quiet>
        ) : failures.data.length === 0 ? (
          <Quiet>No failed runs.</Quiet>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {failures.data.map(({ run, task, error }) => (
              <li key={run.id} data-failure={run.id} className="py-2 text-sm">
                <div className="flex items-center gap-2">
                  <StateBadge state={run.state} />
                  <Link href={`/runs/${run.id}`} className="font-medium hover:underline">
                    {run.flow.name}
                  </Link>
                  <span className="text-zinc-500">{run.deployment?.name}</span>
                  <span className="ml-auto text-xs text-zinc-500">
                    {formatTime(run.startedAt ?? run.scheduledAt)}
                  </span>
                </div>
                {task || error ? (
                  <p className="mt-1 truncate font-mono text-xs text-red-700 dark:text-red-400">
                    {task ? <span data-failing-task>{task}: </span> : null}
                    <span data-error-line>{error}</span>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel
        title={
          <>
            Late runs{" "}
            <span data-late-count className="tabular-nums text-zinc-500">
              {late.data?.count ?? ""}
            </span>
          </>
        }
        more={{ href: runsHref({ states: ["Late"] }), label: "All late runs" }}
      >
        {!late.data ? (
          <Quiet>Loading…</Quiet>
        ) : late.data.runs.length === 0 ? (
          <Quiet>No run is waiting past its start time.</Quiet>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {late.data.runs.map((run) => (
              <li key={run.id} data-late={run.id} className="flex items-center gap-2 py-2 text-sm">
                <Link href={`/runs/${run.id}`} className="font-medium hover:underline">
                  {run.flow.name}
                </Link>
                <span className="text-zinc-500">{run.deployment?.name}</span>
                <span className="ml-auto text-xs text-amber-700 dark:text-amber-400">
                  due {formatTime(run.scheduledAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Slowest flows, last 7 days (completed runs)" className="col-span-2">
        {!slowest.data ? (
          <Quiet>Loading…</Quiet>
        ) : slowest.data.length === 0 ? (
          <Quiet>No completed runs in the last 7 days.</Quiet>
        ) : (
          <table className="w-full text-left text-sm" aria-label="Slowest flows">
            <thead className="text-xs uppercase text-zinc-500">
              <tr>
                <th className="py-1 font-medium">Flow</th>
                <th className="py-1 font-medium">Runs</th>
                <th className="py-1 font-medium">Median</th>
                <th className="py-1 font-medium">Longest</th>
              </tr>
            </thead>
            <tbody>
              {slowest.data.map((f) => (
                <tr key={f.flow} data-slow-flow={f.flow}>
                  <td className="py-1">
                    <Link
                      href={runsHref({ flow: f.flow, states: ["Completed"], since: "7d" })}
                      className="font-medium hover:underline"
                    >
                      {f.flow}
                    </Link>
                  </td>
                  <td className="py-1 tabular-nums text-zinc-500">{f.runs}</td>
                  <td className="py-1 tabular-nums">{formatDurationMs(f.p50Ms)}</td>
                  <td className="py-1 tabular-nums text-zinc-500">{formatDurationMs(f.maxMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
