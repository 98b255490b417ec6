"use client";
// One item of a mapped task, opened from the item list: its input, its attempts with their errors
// and tracebacks, its result and its own log lines — the task panel's views, for one item.
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, ChevronLeft, ChevronRight } from "lucide-react";
import type { ReactNode } from "react";
import { StateBadge } from "@/app/_components/state-badge";
import { IconButton } from "@/app/_components/icon-button";
import { useTRPC } from "@/app/_lib/trpc";
import { isFinalTaskRunState } from "@/contract/run-states";
import { AttemptsSection, Loading, ResultOrigin, ResultView, Section } from "./task-detail-parts";
import type { MapSummary } from "./map-counts";

// An item that has not ended is read again this often while its panel is open (its own changes
// do not come through the page's live feed, which carries counts, not items).
const LIVE_ITEM_MS = 1_000;

type Props = {
  runId: string;
  task: string;
  map: MapSummary;
  item: number;
  onOpen: (item: number | null) => void;
  logs: ReactNode;
};

export function ItemDetail({ runId, task, map, item, onOpen, logs }: Props) {
  const trpc = useTRPC();
  const detail = useQuery({
    ...trpc.runPage.task.queryOptions({ id: runId, task, item }),
    refetchInterval: (query) =>
      query.state.data && isFinalTaskRunState(query.state.data.state) ? false : LIVE_ITEM_MS,
  });
  const d = detail.data;
  // Its row of the item list: the input's preview (what the agent announced for it).
  const row = useQuery({
    ...trpc.runPage.items.queryOptions({ id: runId, task, offset: item, limit: 1 }),
    staleTime: Infinity,
  });
  const input = row.data?.items[0]?.index === item ? row.data.items[0].inputPreview : undefined;
  const count = map.count ?? 0;
  return (
    <div className="space-y-4" data-testid="item-detail" data-item={item}>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={() => onOpen(null)}
          className="inline-flex items-center gap-1 rounded px-1 py-0.5 text-xs text-indigo-700 hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          <ArrowLeft className="size-3.5" aria-hidden /> All items
        </button>
        <h3
          className="font-mono text-sm font-semibold"
          title={`item ${item.toLocaleString()} of ${count.toLocaleString()} (0-based)`}
        >
          {task}[{item}]
        </h3>
        <span className="text-xs text-zinc-500">of {count.toLocaleString()}</span>
        {d ? <StateBadge state={d.state} /> : null}
        <span className="ml-auto" />
        <IconButton label="Previous item" onClick={() => onOpen(Math.max(0, item - 1))}>
          <ChevronLeft className="size-4" aria-hidden />
        </IconButton>
        <IconButton
          label="Next item"
          onClick={() => onOpen(Math.min(Math.max(0, count - 1), item + 1))}
        >
          <ChevronRight className="size-4" aria-hidden />
        </IconButton>
      </div>
      {detail.isError ? (
        <p role="alert" className="text-sm text-red-600">
          Could not load item {item}: {detail.error.message}
        </p>
      ) : null}
      <Section title="Input">
        {input !== undefined ? (
          <code className="block whitespace-pre-wrap break-all rounded bg-zinc-50 px-2 py-1 font-mono text-xs dark:bg-zinc-900">
            {input ?? "—"}
          </code>
        ) : (
          <Loading />
        )}
      </Section>
      {d ? <AttemptsSection attempts={d.attempts} moments={d.moments} /> : <Loading />}
      <Section title="Result">
        {d?.resultFrom ? (
          <p className="text-sm">
            From <ResultOrigin runId={d.resultFrom} cachedFrom={d.cachedFrom} />
          </p>
        ) : null}
        {d ? <ResultView runId={runId} task={task} item={item} result={d.result} /> : <Loading />}
      </Section>
      <Section title="Logs">{logs}</Section>
    </div>
  );
}
