"use client";
// A flow run live: its state, each task's state, attempts and result, and the log lines as they
// arrive. (The full run page with the timeline comes later; this is what the editor lands on.)
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { ErrorState } from "@/app/_components/page-header";
import { StateBadge } from "@/app/_components/state-badge";
import { formatDuration, formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useLiveRun } from "@/app/_lib/use-live-run";
import { isFinalDisplayState } from "@/contract/run-states";
import { LogLines } from "@/app/_components/log-lines";

export function RunView({ id }: { id: string }) {
  const trpc = useTRPC();
  const { run, logs, error } = useLiveRun(id);
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const logEnd = useRef<HTMLDivElement>(null);
  // A block, not an expression: scrollIntoView returns a Promise in current Chromium, and React
  // calls what an effect returns as its cleanup (leaving the page threw "i is not a function").
  useEffect(() => {
    logEnd.current?.scrollIntoView({ block: "nearest" });
  }, [logs.length]);

  if (!run)
    return error ? (
      <ErrorState message={`Could not load the run: ${error}`} />
    ) : (
      <p className="px-8 py-6 text-sm text-zinc-500">Loading the run…</p>
    );
  return (
    <div className="flex flex-col gap-6 px-8 py-6">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold tracking-tight">
          <Link href={`/flows/${run.flow.name}`} className="hover:underline">
            {run.flow.name}
          </Link>{" "}
          <span className="text-zinc-500">v{run.flow.version}</span>
        </h1>
        <span data-testid="run-state">
          <StateBadge state={run.state} />
        </span>
        <span className="text-sm text-zinc-500">
          {run.cellTask ? `cell run of ${run.cellTask}` : `deployment ${run.deployment?.name}`} ·
          queue {run.workQueue} · created {formatTime(run.createdAt)} ·{" "}
          {formatDuration(run.startedAt, run.endedAt)}
        </span>
        {!isFinalDisplayState(run.state) ? (
          <button
            type="button"
            className={`${buttonClass("secondary")} ml-auto`}
            disabled={cancel.isPending || run.state === "Cancelling"}
            onClick={() => cancel.mutate({ id })}
          >
            Cancel run
          </button>
        ) : null}
      </header>
      {run.stateMessage ? <p className="text-sm text-zinc-500">{run.stateMessage}</p> : null}
      {cancel.error ? <Alert>{cancel.error.message}</Alert> : null}
      {error ? <Alert>Lost contact with the server, retrying: {error}</Alert> : null}

      <table className="w-full text-left text-sm" aria-label="Task runs">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-2 font-medium">Task</th>
            <th className="py-2 font-medium">State</th>
            <th className="py-2 font-medium">Attempts</th>
            <th className="py-2 font-medium">Duration</th>
            <th className="py-2 font-medium">Result / error</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {run.taskRuns.map((t) => (
            <tr key={t.name} data-task={t.name}>
              <td className="py-2 font-mono">{t.name}</td>
              <td className="py-2">
                <StateBadge state={t.state} />
              </td>
              <td className="py-2 tabular-nums">{t.attempts}</td>
              <td className="py-2 tabular-nums text-zinc-500">
                {formatDuration(t.startedAt, t.endedAt)}
              </td>
              <td className="max-w-md truncate py-2 font-mono text-xs">
                {t.error ? (
                  <span className="text-red-600">{t.error.message}</span>
                ) : t.result !== null && t.result !== undefined ? (
                  JSON.stringify(t.result)
                ) : (
                  ""
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <section aria-label="Logs" className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Logs</h2>
        <div className="max-h-[50vh] overflow-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900">
          <LogLines logs={logs} />
          <div ref={logEnd} />
        </div>
      </section>
    </div>
  );
}
