"use client";
// What agents take next from one queue, in the order they take it (the claim's own ordering, on
// the server), then the runs whose start time has not come. A run no online agent would take is
// marked with why, and so is a run a concurrency limit or a paused deployment holds back — the
// browser's `pipebook work-queue preview`.
import { useQuery } from "@tanstack/react-query";
import { Hourglass, TriangleAlert } from "lucide-react";
import Link from "next/link";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import type { WorkQueuePreviewRun } from "@/contract/api-v1";
import { relativeTime } from "@/contract/relative-time";

// The page shows the head of the queue; the API and CLI list up to 200.
const LIMIT = 50;

export function QueuePreview({ name }: { name: string }) {
  const trpc = useTRPC();
  const preview = useQuery({
    ...trpc.queues.preview.queryOptions({ name, limit: LIMIT }),
    refetchInterval: 2_000,
  });
  if (preview.isPending) return <p className="py-2 text-sm text-zinc-500">Loading the preview…</p>;
  if (preview.isError) {
    return (
      <p role="alert" className="py-2 text-sm text-red-600">
        Could not load the preview: {preview.error.message}
      </p>
    );
  }
  const { runs, warnings, workQueue } = preview.data;
  const now = preview.dataUpdatedAt;
  return (
    <section
      aria-label={`Preview of ${name}`}
      className="rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <p className="mb-2 text-xs text-zinc-500">
        The runs agents claim next from <span className="font-mono">{name}</span>, in claim order
        (priority, then start time, then creation), then those not due yet.
      </p>
      {warnings.map((w) => (
        <p
          key={w}
          role="status"
          className="mb-2 flex items-start gap-1.5 text-sm text-amber-800 dark:text-amber-300"
        >
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden /> {w}
        </p>
      ))}
      {runs.length === 0 ? (
        <p className="text-sm text-zinc-500">No runs wait in this queue.</p>
      ) : (
        <ol aria-label={`Claim order of ${name}`} className="flex flex-col gap-1">
          {runs.map((run) => (
            <PreviewRow key={run.id} run={run} now={now} />
          ))}
        </ol>
      )}
      {workQueue.waiting.total > runs.length ? (
        <p className="mt-2 text-xs text-zinc-500">
          … and {workQueue.waiting.total - runs.length} more (
          <code className="font-mono">pipebook work-queue preview {name} --limit 200</code>)
        </p>
      ) : null}
    </section>
  );
}

function PreviewRow({ run, now }: { run: WorkQueuePreviewRun; now: number }) {
  return (
    <li
      data-run={run.id}
      data-position={run.position}
      className="grid grid-cols-[2rem_6rem_15rem_minmax(0,1fr)_minmax(0,1fr)] items-baseline gap-3 rounded px-2 py-1 text-sm odd:bg-white dark:odd:bg-zinc-950"
    >
      <span className="tabular-nums text-zinc-500">{run.position}.</span>
      <span>
        <StateBadge state={run.state} />
      </span>
      <span className="whitespace-nowrap text-zinc-600 dark:text-zinc-400" title={run.scheduledAt}>
        {run.due ? null : <span className="font-medium">not due yet · </span>}
        {formatTime(run.scheduledAt)}{" "}
        <span className="text-xs text-zinc-500">({relativeTime(run.scheduledAt, now)})</span>
      </span>
      <span className="truncate">
        <Link href={`/runs/${run.id}`} className="font-medium hover:underline">
          {run.flow.name}
        </Link>{" "}
        <span className="text-zinc-500">
          v{run.flow.version} · {run.deployment?.name ?? `cell ${run.cellTask ?? ""}`}
        </span>
        {run.tags.map((tag) => (
          <span
            key={tag}
            className="ml-1.5 rounded bg-zinc-200 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800"
          >
            {tag}
          </span>
        ))}
      </span>
      <span className="text-xs">
        {run.waitingFor ? (
          <span
            data-testid="waiting-for"
            className="inline-flex items-start gap-1 text-sky-800 dark:text-sky-300"
          >
            <Hourglass className="size-3.5 shrink-0" aria-hidden /> {run.waitingFor}
          </span>
        ) : run.warning ? (
          <span
            data-testid="no-agent"
            className="inline-flex items-start gap-1 text-amber-800 dark:text-amber-300"
          >
            <TriangleAlert className="size-3.5 shrink-0" aria-hidden /> {run.warning}
          </span>
        ) : (
          <span className="text-zinc-500">
            {run.eligibleAgents} online agent{run.eligibleAgents === 1 ? "" : "s"} can take it
          </span>
        )}
      </span>
    </li>
  );
}
