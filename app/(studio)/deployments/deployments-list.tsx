"use client";
// The deployments page: each deployment with its flow (opens the editor), its runs (the runs
// page filtered to it), its last run, its schedules (a dialog), Pause/Resume, its concurrency
// limit (a dialog), and Run (the editor's run dialog, on this deployment).
import { useCan } from "@/app/_lib/viewer";
import { useQuery } from "@tanstack/react-query";
import { CalendarClock, Play, Webhook } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { RunDialog } from "@/app/_components/run-dialog";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { runsHref } from "../runs/runs-url";
import { SchedulesDialog } from "./schedules-dialog";
import { LimitButton, PauseDeploymentButton } from "./deployment-controls";
import { TriggersDialog } from "./triggers-dialog";

export function DeploymentsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const deployments = useQuery(trpc.deployments.list.queryOptions());
  // Last runs change on their own: refresh while the page is open.
  const lastRuns = useQuery({
    ...trpc.deployments.lastRuns.queryOptions(),
    refetchInterval: 3_000,
  });
  const [running, setRunning] = useState<{ flow: string; id: string } | null>(null);
  const [scheduling, setScheduling] = useState<{ id: string; label: string } | null>(null);
  const [triggering, setTriggering] = useState<{ id: string; label: string } | null>(null);
  const canOperate = useCan("operate");
  return (
    <>
      <QueryView
        query={deployments}
        what="deployments"
        empty={{
          title: "No deployments yet",
          hint: (
            <>
              Deploy a flow from its editor, or with{" "}
              <code className="font-mono">npx pipebook deploy FILE --queue default</code>.
            </>
          ),
        }}
      >
        {(items) => (
          <DataTable
            label="Deployments"
            columns={["Deployment", "Flow", "Work queue", "Tags", "Limit", "Last run", ""]}
          >
            {items.map((d) => {
              const last = lastRuns.data?.[d.id];
              return (
                <tr key={d.id} data-deployment={d.name} data-deployment-id={d.id}>
                  <td className="py-2.5 font-medium">
                    {d.name}
                    {d.paused ? (
                      <span
                        data-testid="paused-badge"
                        className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300"
                      >
                        Paused
                      </span>
                    ) : null}
                  </td>
                  <td className="py-2.5">
                    <Link
                      href={`/flows/${encodeURIComponent(d.flow)}`}
                      className="hover:underline"
                      title={`Open ${d.flow} in the editor`}
                    >
                      {d.flow}
                    </Link>{" "}
                    <span className="text-zinc-500">v{d.version}</span>
                  </td>
                  <td className="py-2.5 font-mono text-xs">{d.workQueue}</td>
                  <td className="py-2.5 text-zinc-500">{d.tags.join(", ") || "—"}</td>
                  <td className="py-2.5 tabular-nums text-zinc-500" data-testid="limit">
                    {d.concurrencyLimit ?? "—"}
                  </td>
                  <td className="py-2.5" data-last-run>
                    {last ? (
                      <Link
                        href={`/runs/${last.id}`}
                        className="inline-flex items-center gap-2 hover:underline"
                      >
                        <StateBadge state={last.state} />
                        <span className="text-xs text-zinc-500">
                          {formatTime(last.startedAt ?? last.scheduledAt)}
                        </span>
                      </Link>
                    ) : (
                      <span className="text-zinc-500">{lastRuns.data ? "never run" : "…"}</span>
                    )}
                  </td>
                  <td className="py-2.5 pr-2 text-right [&>*]:my-0.5">
                    <Link
                      href={runsHref({ deployment: d.id })}
                      title={`The runs of ${d.flow}/${d.name}`}
                      className="mr-3 text-sm text-indigo-600 hover:underline"
                    >
                      Run history
                    </Link>
                    <PauseDeploymentButton deployment={d} />
                    <LimitButton deployment={d} />
                    <button
                      type="button"
                      className={`${buttonClass()} mr-2`}
                      onClick={() => setScheduling({ id: d.id, label: `${d.flow}/${d.name}` })}
                    >
                      <CalendarClock className="size-3.5" aria-hidden />
                      Schedules
                    </button>
                    <button
                      type="button"
                      className={`${buttonClass()} mr-2`}
                      onClick={() => setTriggering({ id: d.id, label: `${d.flow}/${d.name}` })}
                    >
                      <Webhook className="size-3.5" aria-hidden />
                      Triggers
                    </button>
                    {canOperate ? (
                      <button
                        type="button"
                        className={buttonClass()}
                        onClick={() => setRunning({ flow: d.flow, id: d.id })}
                      >
                        <Play className="size-3.5" aria-hidden />
                        Run
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </QueryView>
      <SchedulesDialog deployment={scheduling} onClose={() => setScheduling(null)} />
      <TriggersDialog deployment={triggering} onClose={() => setTriggering(null)} />
      <RunDialog
        open={running !== null}
        flow={running?.flow ?? ""}
        deploymentId={running?.id}
        onClose={() => setRunning(null)}
        onDeploy={() => running && router.push(`/flows/${encodeURIComponent(running.flow)}`)}
        onStarted={(id) => router.push(`/runs/${id}`)}
      />
    </>
  );
}
