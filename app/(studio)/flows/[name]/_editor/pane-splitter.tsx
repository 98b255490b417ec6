"use client";
// The divider between the cells and the graph: drag it (or focus it and use ←/→) to give the
// graph more or less room. The width is kept in this browser. It measures against the closest
// element marked `data-split` (the editor's two-column grid).
import { useState, type KeyboardEvent, type PointerEvent } from "react";

const KEY = "pipebook:graph-width";
const MIN = 20;
const MAX = 70;
const DEFAULT = 38;

const clamp = (percent: number) => Math.round(Math.min(MAX, Math.max(MIN, percent)));

/** The graph pane's width, in percent of the editor's width. */
export function useGraphWidth(): [number, (percent: number, keep?: boolean) => void] {
  const [percent, setPercent] = useState(() => {
    const stored = Number(localStorage.getItem(KEY));
    return stored ? clamp(stored) : DEFAULT;
  });
  const set = (next: number, keep = true) => {
    setPercent(clamp(next));
    if (!keep) return;
    try {
      localStorage.setItem(KEY, String(clamp(next)));
    } catch {
      // Storage disabled: the width lasts for this page.
    }
  };
  return [percent, set];
}

export function PaneSplitter({
  percent,
  onChange,
}: {
  percent: number;
  /** `keep: false` while dragging: the width is stored once, when the drag ends. */
  onChange: (percent: number, keep?: boolean) => void;
}) {
  const [dragging, setDragging] = useState(false);
  const follow = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    const split = event.currentTarget.closest("[data-split]");
    if (!split) return;
    const box = split.getBoundingClientRect();
    onChange(((box.right - event.clientX) / box.width) * 100, false);
  };
  const onKey = (event: KeyboardEvent) => {
    const step = { ArrowLeft: 2, ArrowRight: -2, Home: MAX - percent, End: MIN - percent }[
      event.key
    ];
    if (step === undefined) return;
    event.preventDefault();
    onChange(percent + step);
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the graph"
      aria-valuemin={MIN}
      aria-valuemax={MAX}
      aria-valuenow={percent}
      tabIndex={0}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        setDragging(true);
      }}
      onPointerMove={follow}
      onPointerUp={() => {
        setDragging(false);
        onChange(percent);
      }}
      onPointerCancel={() => setDragging(false)}
      onKeyDown={onKey}
      className={`absolute inset-y-0 -left-1 z-20 w-2 cursor-col-resize touch-none outline-none hover:bg-indigo-500/30 focus-visible:bg-indigo-500/50 ${
        dragging ? "bg-indigo-500/50" : ""
      }`}
    />
  );
}
