"use client";
// A mapped task's items, as many as it has: a virtualised list as long as the task's item count
// (10,000 rows scroll like 10), whose rows in view are read from the server a page at a time
// (runPage.items: one range of the item index per page). While items run, the pages in view are
// read again when the task's counts change — at most every REFRESH_MS, however many items end
// in between — never the whole list. Filtered by state, it lists only the items in that state.
import { useQueries, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { formatDuration } from "@/app/_lib/format";
import { readAgain } from "@/app/_lib/read-again";
import { FILL, stateLabel } from "@/app/_lib/state-colors";
import { useTRPC } from "@/app/_lib/trpc";
import type { TaskRunState } from "@/contract/run-states";
import type { MapSummary } from "./map-counts";

const PAGE = 200;
export const ITEM_ROW = 30;
// The item list redraws at most this often while thousands of items end around it.
const REFRESH_MS = 500;

type Props = {
  runId: string;
  task: string;
  map: MapSummary;
  /** Only the items in this state (null: all of them). */
  state: TaskRunState | null;
  selected: number | null;
  onOpen: (item: number) => void;
};

export function ItemList({ runId, task, map, state, selected, onOpen }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const scroller = useRef<HTMLDivElement>(null);
  const total = state ? (map.states[state] ?? 0) : (map.count ?? 0);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const rows = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ITEM_ROW,
    overscan: 20,
  });
  const visible = rows.getVirtualItems();
  const firstPage = Math.floor((visible[0]?.index ?? 0) / PAGE);
  const lastPage = Math.floor((visible.at(-1)?.index ?? 0) / PAGE);
  const pageNumbers: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) pageNumbers.push(p);
  const input = (page: number) => ({
    id: runId,
    task,
    offset: page * PAGE,
    limit: PAGE,
    ...(state ? { state } : {}),
  });
  const pages = useQueries({
    queries: pageNumbers.map((page) => ({
      ...trpc.runPage.items.queryOptions(input(page)),
      staleTime: Infinity,
      refetchOnWindowFocus: false,
    })),
  });
  const byOffset = new Map<number, NonNullable<(typeof pages)[number]["data"]>>();
  for (const page of pages) if (page.data) byOffset.set(page.data.offset, page.data);

  // Live: the counts change with every batch of items that ends; the rows in view follow, at
  // most every REFRESH_MS, with a last read after the last change.
  const countsKey = JSON.stringify(map.states);
  const lastRead = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const refresh = () => {
      timer.current = null;
      lastRead.current = Date.now();
      const prefix = trpc.runPage.items.queryKey({ id: runId, task });
      for (const query of queryClient.getQueryCache().findAll({ queryKey: prefix })) {
        if (query.getObserversCount() > 0) readAgain(queryClient, query.queryKey);
        else query.invalidate();
      }
    };
    if (lastRead.current === 0) {
      lastRead.current = Date.now();
      return;
    }
    if (timer.current) return;
    timer.current = setTimeout(refresh, Math.max(0, lastRead.current + REFRESH_MS - Date.now()));
  }, [countsKey, queryClient, runId, task, trpc]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  if (total === 0) {
    return (
      <p className="px-2 py-3 text-xs text-zinc-500" data-testid="item-list">
        {map.count === null
          ? "The items appear once the task starts and its list is known."
          : state
            ? `No item is ${stateLabel(state).toLowerCase()}.`
            : "The list was empty: no items."}
      </p>
    );
  }
  return (
    <div
      ref={scroller}
      className="h-80 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800"
      data-testid="item-list"
      role="list"
      aria-label={`Items of ${task}`}
    >
      <div style={{ height: rows.getTotalSize() }} className="relative w-full">
        {visible.map((row) => {
          const page = byOffset.get(Math.floor(row.index / PAGE) * PAGE);
          const item = page?.items[row.index % PAGE];
          return (
            <div
              key={row.key}
              role="listitem"
              className="absolute left-0 right-0"
              style={{ top: row.start, height: ITEM_ROW }}
            >
              {item ? (
                <button
                  type="button"
                  data-item={item.index}
                  data-state={item.state}
                  onClick={() => onOpen(item.index)}
                  title={
                    item.error
                      ? `${item.error.type}: ${item.error.message}`
                      : `Open item ${item.index}`
                  }
                  className={`grid h-full w-full grid-cols-[3rem_5.75rem_3.5rem_minmax(0,1fr)] items-center gap-2 border-b border-zinc-100 px-2 text-left text-xs dark:border-zinc-900 ${
                    item.index === selected
                      ? "bg-indigo-50 dark:bg-indigo-950"
                      : "hover:bg-zinc-50 dark:hover:bg-zinc-900"
                  }`}
                >
                  <span className="text-right font-mono tabular-nums text-zinc-500">
                    {item.index}
                  </span>
                  <span className="flex min-w-0 items-center gap-1.5">
                    <span
                      className={`size-2 shrink-0 rounded-full ${FILL[item.state]} ${item.state === "Running" ? "animate-pulse" : ""}`}
                      aria-hidden
                    />
                    <span className="truncate">
                      {stateLabel(item.state)}
                      {item.attempts > 1 ? ` ·${item.attempts}` : ""}
                    </span>
                  </span>
                  <span className="text-right tabular-nums text-zinc-500">
                    {item.startedAt ? formatDuration(item.startedAt, item.endedAt) : "—"}
                  </span>
                  <span className="flex min-w-0 items-baseline gap-2">
                    <code className="min-w-0 shrink truncate font-mono text-[11px] text-zinc-700 dark:text-zinc-300">
                      {item.inputPreview ?? ""}
                    </code>
                    {item.error ? (
                      <span className="min-w-0 flex-1 truncate text-red-600 dark:text-red-400">
                        {item.error.type}: {item.error.message}
                      </span>
                    ) : null}
                  </span>
                </button>
              ) : (
                <div className="grid h-full grid-cols-[3.5rem_1fr] items-center gap-2 border-b border-zinc-100 px-2 text-xs text-zinc-400 dark:border-zinc-900">
                  <span className="text-right font-mono tabular-nums">
                    {state ? "" : row.index}
                  </span>
                  <span className="h-2 w-1/2 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
