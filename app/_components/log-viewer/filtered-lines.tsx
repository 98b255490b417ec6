"use client";
// The lines of a run's log that pass filters (a task, levels, a text search): read on the server
// page by page, forwards from the start or backwards from the end ("the last lines" when
// following), and more as the list is scrolled towards either end. Lines of a growing log arrive
// as the run writes them while the end is in view.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useMemo, useRef } from "react";
import { useTRPC, useTRPCClient } from "@/app/_lib/trpc";
import type { LogLevel, LogLineView } from "@/contract/api-v1";
import type { LogListProps } from "./all-lines";
import { LogRow, ROW_HEIGHT } from "./log-row";

const PAGE = 500;
// Within this many rows of an end, the next page towards it is read.
const EDGE = 100;

export type LogFilters = { task?: string; item?: number; levels?: LogLevel[]; q?: string };

type Cursor = { after: number } | { before: number } | { tail: true };

export function FilteredLines({
  runId,
  filters,
  total,
  ended,
  follow,
  onScrolledAway,
  showTask,
  open,
  onToggle,
  handle,
}: LogListProps & { filters: LogFilters }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { runId, ...filters };
  // Following starts from the end; otherwise from the start. Either way both ends can be read.
  const start: Cursor = follow ? { tail: true } : { after: 0 };
  const pages = useInfiniteQuery({
    queryKey: [...trpc.logs.search.queryKey(input), { from: "tail" in start ? "end" : "start" }],
    initialPageParam: start as Cursor,
    queryFn: ({ pageParam, signal }) =>
      "tail" in pageParam
        ? client.logs.tail.query({ ...input, limit: PAGE }, { signal })
        : client.logs.search.query({ ...input, ...pageParam, limit: PAGE }, { signal }),
    getNextPageParam: (page): Cursor | undefined =>
      page.next === null ? undefined : { after: Number(page.next) },
    getPreviousPageParam: (page): Cursor | undefined =>
      page.previous === null ? undefined : { before: Number(page.previous) },
    staleTime: Infinity,
    // At most 10,000 lines in memory: pages far from the view are let go, read again if needed.
    maxPages: 20,
  });
  const lines = useMemo<LogLineView[]>(
    () => pages.data?.pages.flatMap((p) => p.logs) ?? [],
    [pages.data],
  );

  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const rows = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 40,
    getItemKey: (index) => lines[index]?.line ?? index,
  });
  const items = rows.getVirtualItems();
  const firstShown = items[0]?.index ?? 0;
  const lastShown = items.at(-1)?.index ?? 0;

  // Reading on at either end as it comes into view; at the end also as the log grows.
  const { hasNextPage, hasPreviousPage, isFetchingNextPage, isFetchingPreviousPage } = pages;
  const nearEnd = lines.length === 0 || lastShown >= lines.length - EDGE;
  // A short page was read to the log's end as it then was: read on only once the log grew.
  const last = pages.data?.pages.at(-1);
  const moreAtEnd = !!last && (last.logs.length >= PAGE || last.total < total);
  useEffect(() => {
    if (nearEnd && moreAtEnd && hasNextPage && !isFetchingNextPage) void pages.fetchNextPage();
  }, [nearEnd, moreAtEnd, hasNextPage, isFetchingNextPage, pages]);
  useEffect(() => {
    if (firstShown < EDGE && hasPreviousPage && !isFetchingPreviousPage && lines.length) {
      void pages.fetchPreviousPage();
    }
  }, [firstShown, hasPreviousPage, isFetchingPreviousPage, lines.length, pages]);

  // Lines put in above the view (an earlier page read), or let go there (a page dropped), must
  // not move what is being read: keep the same line in view.
  const firstLine = lines[0]?.line;
  const before = useRef<LogLineView[]>([]);
  useLayoutEffect(() => {
    const was = before.current;
    before.current = lines;
    const wasFirst = was[0]?.line;
    if (wasFirst === undefined || firstLine === undefined || firstLine === wasFirst) return;
    const shift =
      firstLine < wasFirst
        ? lines.findIndex((l) => l.line === wasFirst)
        : -was.findIndex((l) => l.line === firstLine);
    if (shift) rows.scrollToOffset((rows.scrollOffset ?? 0) + shift * ROW_HEIGHT);
  }, [firstLine, lines, rows]);

  useEffect(() => {
    handle.current = {
      toStart: () => rows.scrollToIndex(0),
      toEnd: () => rows.scrollToIndex(Math.max(0, lines.length - 1), { align: "end" }),
    };
  });
  useEffect(() => {
    if (follow && lines.length) rows.scrollToIndex(lines.length - 1, { align: "end" });
  }, [follow, lines.length, rows]);

  const onScroll = () => {
    const el = scroller.current;
    if (follow && el && el.scrollHeight - el.scrollTop - el.clientHeight > ROW_HEIGHT * 3) {
      onScrolledAway();
    }
  };

  if (pages.isError) {
    return (
      <p className="p-3 text-xs text-red-600">Could not read the log: {pages.error.message}</p>
    );
  }
  if (pages.isSuccess && lines.length === 0 && !hasNextPage) {
    return (
      <p className="p-3 text-xs text-zinc-500" data-testid="log-lines">
        No line matches{ended ? "" : " yet"}.
      </p>
    );
  }
  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      className="min-h-0 flex-1 overflow-auto"
      data-testid="log-lines"
    >
      {isFetchingPreviousPage ? (
        <p className="px-2 text-xs text-zinc-400">Reading earlier lines…</p>
      ) : null}
      <div style={{ height: rows.getTotalSize() }} className="relative w-full">
        {items.map((item) => {
          const line = lines[item.index]!;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={rows.measureElement}
              className="absolute left-0 right-0"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <LogRow
                line={line}
                highlight={filters.q}
                showTask={showTask}
                open={open.has(line.line)}
                onToggle={onToggle}
              />
            </div>
          );
        })}
      </div>
      {pages.isPending || isFetchingNextPage ? (
        <p className="px-2 text-xs text-zinc-400">Reading…</p>
      ) : null}
    </div>
  );
}
