"use client";
// What the last "Run cell" of a task did: its state, its result and its log lines, live; and
// which upstream tasks ran first or lent their earlier results. A mapped task's items: how many,
// and how many in each state.
import { StudioLink } from "@/app/_components/studio-link";
import { FILL, stateLabel } from "@/app/_lib/state-colors";
import type { MappedItemsView } from "@/contract/api-v1";
import { isSuccessfulTaskRunState, TASK_RUN_STATES } from "@/contract/run-states";
import { StateBadge } from "@/app/_components/state-badge";
import { useLiveRun } from "@/app/_lib/use-live-run";
import { LogLines } from "@/app/_components/log-lines";
import { useTRPC } from "@/app/_lib/trpc";
import { isFinalTaskRunState } from "@/contract/run-states";
import { useQuery } from "@tanstack/react-query";
import { formatBytes } from "@/contract/format-bytes";

export function CellOutput({ runId, task }: { runId: string; task: string }) {
  const { run, logs, totalLines, error } = useLiveRun(runId);
  const mine = run?.taskRuns.find((t) => t.name === task);
  const upstream = run?.taskRuns.filter((t) => t.name !== task) ?? [];
  const reused = upstream.filter((t) => t.state === "Cached").map((t) => t.name);
  const ran = upstream.filter((t) => t.state !== "Cached");
  return (
    <div
      className="border-t border-zinc-100 bg-zinc-50 px-3 py-2 text-xs dark:border-zinc-800 dark:bg-zinc-950"
      data-testid="cell-output"
      aria-label={`Output of ${task}`}
    >
      <div className="mb-1 flex flex-wrap items-center gap-2 text-zinc-500">
        {mine ? (
          <span data-testid="cell-state">
            <StateBadge state={mine.state} />
          </span>
        ) : (
          <span>Queued…</span>
        )}
        {mine?.items ? <ItemCounts items={mine.items} /> : null}
        {reused.length ? (
          <span>using the results of {reused.join(", ")} from an earlier run</span>
        ) : null}
        {ran.length ? (
          <span>ran {ran.map((t) => `${t.name} (${t.state})`).join(", ")} first</span>
        ) : null}
        <StudioLink href={`/runs/${runId}`} className="ml-auto hover:underline">
          open run
        </StudioLink>
      </div>
      {error ? <p className="text-red-600">Could not read the run: {error}</p> : null}
      {totalLines > logs.length ? (
        <p className="text-zinc-500">
          … the last {logs.length} of {totalLines.toLocaleString()} lines (all of them on the run
          page)
        </p>
      ) : null}
      {/* A mapped task's lines name their item (task[7]). */}
      <LogLines
        logs={logs}
        showTask={ran.length > 0 || logs.some((l) => l.item !== undefined && l.item !== null)}
      />
      {mine?.error ? (
        <pre className="mt-1 whitespace-pre-wrap text-red-600" role="alert">
          {mine.error.type}: {mine.error.message}
        </pre>
      ) : null}
      {mine && isSuccessfulTaskRunState(mine.state) ? (
        <div className="mt-1">
          <span className="text-zinc-500">result </span>
          <code data-testid="cell-result" className="whitespace-pre-wrap font-mono">
            {JSON.stringify(mine.result)}
          </code>
        </div>
      ) : null}
      {mine && isFinalTaskRunState(mine.state) ? <CellArtifacts runId={runId} task={task} /> : null}
    </div>
  );
}

/** The files the cell's attempts saved (save_artifact, $PIPEBOOK_ARTIFACTS), each a download. */
function CellArtifacts({ runId, task }: { runId: string; task: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.runPage.artifacts.queryOptions({ id: runId, task }));
  if (!list.data?.length) return null;
  return (
    <div className="mt-1 flex flex-wrap gap-x-3" data-testid="cell-artifacts">
      <span className="text-zinc-500">artifacts</span>
      {list.data.map((a) => (
        <a
          key={a.id}
          href={a.url}
          download
          className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
        >
          {a.name} ({formatBytes(a.sizeBytes)})
        </a>
      ))}
    </div>
  );
}

function ItemCounts({ items }: { items: MappedItemsView }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2" data-testid="cell-items">
      <span className="font-mono font-semibold text-indigo-700 dark:text-indigo-300">
        ×{items.count.toLocaleString()}
      </span>
      {TASK_RUN_STATES.filter((s) => items.states[s] > 0).map((s) => (
        <span key={s} data-state={s} className="inline-flex items-center gap-1">
          <span className={`size-2 rounded-full ${FILL[s]}`} aria-hidden />
          {items.states[s].toLocaleString()} {stateLabel(s).toLowerCase()}
        </span>
      ))}
    </span>
  );
}
