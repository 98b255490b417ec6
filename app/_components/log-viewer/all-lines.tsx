"use client";
// Every line of a run's log, unfiltered: a virtualised list as long as the log (a million lines
// scroll like ten), whose visible stretch is read from the server in blocks of lines by number
// (logs.window: one index range per block). A full block never changes, so it is read once; the
// last, growing block is read again as the run writes more. Following keeps the end in view.
import { keepPreviousData, useQueries, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type RefObject } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import type { LogLineView } from "@/contract/api-v1";
import { LogRow, PendingRow, ROW_HEIGHT } from "./log-row";

const BLOCK = 500;
// 500,000 rows of 18 px: 9 M px, under every browser's limit on an element's height.
const SECTION = 500_000;

/** The window read for block `b` of a run's log (block 0: its first lines). */
export const blockWindow = (runId: string, b: number) => ({
  runId,
  from: b * BLOCK + 1,
  to: (b + 1) * BLOCK + 1,
});

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
  const queryClient = useQueryClient();
  const scroller = useRef<HTMLDivElement>(null);
  // A browser caps an element's height (Firefox at ~17.9 M px, Chromium at ~33.5 M px): a log
  // longer than a section is shown a section at a time, picked above the list.
  const sections = Math.max(1, Math.ceil(total / SECTION));
  const [chosen, setSection] = useState<number | null>(null);
  const section = follow ? sections - 1 : Math.min(chosen ?? 0, sections - 1);
  const offset = section * SECTION;
  const count = Math.min(SECTION, total - offset);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const rows = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 40,
  });
  const items = rows.getVirtualItems();

  const blocks: number[] = [];
  if (items.length) {
    const first = Math.floor((offset + items[0]!.index) / BLOCK);
    const last = Math.floor((offset + items.at(-1)!.index) / BLOCK);
    for (let b = first; b <= last; b++) blocks.push(b);
  }
  // A block is asked for whole (its key never changes); the server answers the lines it has.
  // Only the last block can grow: it is read again when the log does.
  const lastBlock = Math.floor(Math.max(0, total - 1) / BLOCK);
  const block = (b: number) => trpc.logs.window.queryOptions(blockWindow(runId, b));
  const reads = useQueries({
    queries: blocks.map((b) => ({
      ...block(b),
      staleTime: Infinity,
      // Blocks scrolled past are let go soon: a million lines read once stay out of memory.
      gcTime: 30_000,
      placeholderData: keepPreviousData,
    })),
  });
  useEffect(() => {
    if (!ended) void queryClient.invalidateQueries({ queryKey: block(lastBlock).queryKey });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- read again as the log grows
  }, [total, ended, lastBlock, queryClient]);
  const byLine = new Map<number, LogLineView>();
  for (const read of reads) for (const line of read.data?.lines ?? []) byLine.set(line.line, line);

  useEffect(() => {
    handle.current = {
      toStart: () => {
        setSection(0);
        rows.scrollToIndex(0);
      },
      toEnd: () => {
        setSection(sections - 1);
        rows.scrollToIndex(Math.max(0, total - 1 - (sections - 1) * SECTION), { align: "end" });
      },
    };
  });
  useEffect(() => {
    if (follow && count > 0) rows.scrollToIndex(count - 1, { align: "end" });
  }, [follow, count, rows]);

  const onScroll = () => {
    const el = scroller.current;
    if (follow && el && el.scrollHeight - el.scrollTop - el.clientHeight > ROW_HEIGHT * 3) {
      setSection(section);
      onScrolledAway();
    }
  };

  return (
    <>
      {sections > 1 ? (
        <label className="flex items-center gap-2 border-b border-zinc-200 px-2 py-1 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          Lines
          <select
            aria-label="Lines shown"
            className="rounded border border-zinc-300 bg-white px-1 dark:border-zinc-700 dark:bg-zinc-950"
            value={section}
            onChange={(e) => {
              onScrolledAway();
              setSection(Number(e.target.value));
              rows.scrollToIndex(0);
            }}
          >
            {Array.from({ length: sections }, (_, i) => (
              <option key={i} value={i}>
                {(i * SECTION + 1).toLocaleString()}–
                {Math.min((i + 1) * SECTION, total).toLocaleString()}
              </option>
            ))}
          </select>
          of {total.toLocaleString()}
        </label>
      ) : null}
      <div
        ref={scroller}
        onScroll={onScroll}
        className="min-h-0 flex-1 overflow-auto"
        data-testid="log-lines"
      >
        <div style={{ height: rows.getTotalSize() }} className="relative w-full">
          {items.map((item) => {
            const line = byLine.get(offset + item.index + 1);
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
                  <PendingRow line={offset + item.index + 1} />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
