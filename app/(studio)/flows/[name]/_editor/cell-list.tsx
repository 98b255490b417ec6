"use client";
// The cells, virtualised: only those in view (and a few around) are mounted, so a flow of
// hundreds of tasks opens and types as fast as a small one. A cell can be brought into view by
// key or name, also one added a moment ago and not yet rendered.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useImperativeHandle, useRef, type ReactNode, type Ref } from "react";
import type { DraftTask } from "./draft";

export type CellListHandle = {
  /** `start` puts the cell at the top; `auto` scrolls only as far as needed to show it. */
  scrollTo(keyOrName: string, align?: "start" | "auto"): void;
};

export function CellList({
  tasks,
  handle,
  renderCell,
}: {
  tasks: readonly DraftTask[];
  handle: Ref<CellListHandle>;
  renderCell: (task: DraftTask, index: number) => ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => 60 + Math.min(640, (tasks[i]?.code.split("\n").length ?? 3) * 19 + 12),
    getItemKey: (i) => tasks[i]?.key ?? i,
    overscan: 3,
    gap: 12,
  });

  type Target = { target: string; align: "start" | "auto" };
  const pending = useRef<Target | null>(null);
  const scrollNow = ({ target, align }: Target): boolean => {
    const index = tasks.findIndex((t) => t.key === target || t.name === target);
    if (index >= 0) virtualizer.scrollToIndex(index, { align });
    return index >= 0;
  };
  useImperativeHandle(handle, () => ({
    scrollTo(target, align = "start") {
      if (!scrollNow({ target, align })) pending.current = { target, align };
    },
  }));
  useEffect(() => {
    if (pending.current && scrollNow(pending.current)) pending.current = null;
  });

  return (
    <div
      ref={scrollRef}
      className="min-h-0 overflow-auto bg-zinc-50 px-4 py-3 dark:bg-zinc-950"
      aria-label="Cells"
    >
      {tasks.length === 0 ? (
        <div className="mx-auto mt-16 max-w-md text-center text-sm text-zinc-500">
          <p className="font-medium text-zinc-700 dark:text-zinc-300">
            This flow has no tasks yet.
          </p>
          <p className="mt-1">
            Add a task: each is a cell of Python, TypeScript or shell. Drag from a node&apos;s
            bottom handle to another&apos;s top to make it run after.
          </p>
        </div>
      ) : null}
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            style={{
              position: "absolute",
              top: 0,
              left: 0,
              width: "100%",
              transform: `translateY(${item.start}px)`,
            }}
          >
            {renderCell(tasks[item.index]!, item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
