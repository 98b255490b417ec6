"use client";
// Every line of a run's log, unfiltered: a virtualised list as long as the log (a million lines
// scroll like ten), whose visible stretch is read from the server in blocks of lines by number
// (logs.window: one index range per block). A full block never changes, so it is read once; the
// last, growing block is read again as the run writes more. Following keeps the end in view.
import { keepPreviousData, useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type RefObject } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import type { LogLineView } from "@/contract/api-v1";
import { LogRow, PendingRow, ROW_HEIGHT } from "./log-row";

const BLOCK = 500;

export type ListHandle = { toStart(): void; toEnd(): void };

/** What both lists of the viewer take: the run, how far its log goes, and the viewer's state. */
export type LogListProps = {
  runId: string;
  total: number;
  ended: boolean;
  follow: boolean;
  onScrolledAway: () => void;
  showTask: boolean;
  open: ReadonlySet<number>;
  onToggle: (line: number) => void;
  handle: RefObject<ListHandle | null>;
};

export function AllLines({
  runId,
  total,
  ended,
  follow,
  onScrolledAway,
  showTask,
  open,
  onToggle,
  handle,
}: LogListProps) {
  const trpc = useTRPC();
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const rows = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 40,
  });
  const items = rows.getVirtualItems();

  const blocks: number[] = [];
  if (items.length) {
    for (
      let b = Math.floor(items[0]!.index / BLOCK);
      b <= Math.floor(items.at(-1)!.index / BLOCK);
      b++
    ) {
      blocks.push(b);
    }
  }
  const reads = useQueries({
    queries: blocks.map((b) => {
      const from = b * BLOCK + 1;
      const to = Math.min(from + BLOCK, total + 1);
      return {
        ...trpc.logs.window.queryOptions({ runId, from, to }),
        // A full block, or any block of an ended run, is final.
        staleTime: to === from + BLOCK || ended ? Infinity : 0,
        // The growing block keeps showing its lines while it is read again, longer.
        placeholderData: keepPreviousData,
      };
    }),
  });
  const byLine = new Map<number, LogLineView>();
  for (const read of reads) for (const line of read.data?.lines ?? []) byLine.set(line.line, line);

  useEffect(() => {
    handle.current = {
      toStart: () => rows.scrollToIndex(0),
      toEnd: () => rows.scrollToIndex(Math.max(0, total - 1), { align: "end" }),
    };
  });
  useEffect(() => {
    if (follow && total > 0) rows.scrollToIndex(total - 1, { align: "end" });
  }, [follow, total, rows]);

  const onScroll = () => {
    const el = scroller.current;
    if (follow && el && el.scrollHeight - el.scrollTop - el.clientHeight > ROW_HEIGHT * 3) {
      onScrolledAway();
    }
  };

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      className="min-h-0 flex-1 overflow-auto"
      data-testid="log-lines"
    >
      <div style={{ height: rows.getTotalSize() }} className="relative w-full">
        {items.map((item) => {
          const line = byLine.get(item.index + 1);
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={rows.measureElement}
              className="absolute left-0 right-0"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {line ? (
                <LogRow
                  line={line}
                  showTask={showTask}
                  open={open.has(line.line)}
                  onToggle={onToggle}
                />
              ) : (
                <PendingRow line={item.index + 1} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
