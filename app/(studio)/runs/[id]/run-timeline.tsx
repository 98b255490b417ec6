"use client";
// The run as a Gantt chart: a row per task, a bar per attempt coloured by how it ended, the
// waits between retries drawn as dashed spans, Cached and Not run marked, and a "now" line while
// the run goes on. Ctrl/⌘ + wheel (or the buttons) zooms around the pointer; dragging or
// Shift + wheel pans; the view follows the run's end until you zoom or pan. Rows are virtualised,
// so 2,000 tasks draw as fast as 20. A mapped task is one row (its own span, from its start to
// its last item's end); expanded, a row under it sums up its items — counts by state and how far
// they got — rather than drawing 10,000 bars (its panel lists them).
import { useVirtualizer } from "@tanstack/react-virtual";
import { ChevronDown, ChevronRight, Maximize2, ZoomIn, ZoomOut } from "lucide-react";
import { memo, useEffect, useMemo, useRef, useState, type PointerEvent } from "react";
import { FILL, stateLabel } from "@/app/_lib/state-colors";
import { useElementWidth } from "@/app/_lib/use-element-width";
import { useNow } from "@/app/_lib/use-now";
import { formatDurationMs } from "@/contract/duration";
import { fit, pan, ticks, zoom, type Span } from "./timeline-scale";
import type { RunHeader, RunPageTask } from "./use-run-page";
import { MapBar, MapCounts, timesLabel } from "./map-counts";
import { IconButton } from "@/app/_components/icon-button";

const ROW = 26;
const LABEL_WIDTH = 200;

type Props = {
  header: RunHeader;
  tasks: readonly RunPageTask[];
  /** Server clock minus browser clock, in ms. */
  skewMs: number;
  selected: string | null;
  onSelectTask: (name: string) => void;
};

const ms = (iso: string) => Date.parse(iso);

function runSpan(header: RunHeader, tasks: readonly RunPageTask[], now: number) {
  let start = header.startedAt ? ms(header.startedAt) : Infinity;
  let end = header.endedAt ? ms(header.endedAt) : now;
  for (const t of tasks) {
    for (const a of t.timeline.attempts) {
      start = Math.min(start, ms(a.startedAt));
      if (a.endedAt) end = Math.max(end, ms(a.endedAt));
    }
    for (const m of t.timeline.moments) start = Math.min(start, ms(m.at));
  }
  if (!Number.isFinite(start)) start = ms(header.createdAt);
  return { start, end: Math.max(end, start + 1) };
}

export function RunTimeline({ header, tasks, skewMs, selected, onSelectTask }: Props) {
  const live = !header.endedAt;
  const now = useNow(live) + skewMs;
  const whole = runSpan(header, tasks, live ? now : 0);
  // null: follow the whole run (growing while it runs); a span once zoomed or panned.
  const [view, setView] = useState<Span | null>(null);
  const span = view ?? fit(whole.start, whole.end);
  const area = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  // Mapped tasks whose items' summary row is shown.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const entries = useMemo(
    () =>
      tasks.flatMap((task) =>
        task.map && expanded.has(task.name)
          ? [
              { task, items: false },
              { task, items: true },
            ]
          : [{ task, items: false }],
      ),
    [tasks, expanded],
  );
  const toggle = (name: string) =>
    setExpanded((was) => {
      const next = new Set(was);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const rows = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 12,
  });

  const width = useElementWidth(area);
  // A task selected elsewhere (its node, a state's count, the find box) comes into view.
  useEffect(() => {
    const index = selected ? entries.findIndex((e) => e.task.name === selected) : -1;
    if (index >= 0) rows.scrollToIndex(index, { align: "auto" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the selection changes
  }, [selected]);
  const x = (t: number) => ((t - span.start) / (span.end - span.start)) * width;
  const axis = useMemo(() => ticks(span, Math.max(2, Math.floor(width / 110))), [span, width]);

  const anchorOf = (clientX: number) => {
    const box = area.current?.getBoundingClientRect();
    return box ? Math.min(1, Math.max(0, (clientX - box.left) / box.width)) : 0.5;
  };
  // Ctrl/⌘ + wheel must not zoom the page itself: React's wheel listener is passive (its
  // preventDefault is ignored), so the timeline listens natively with passive: false.
  const onWheel = useRef<(e: globalThis.WheelEvent) => void>(() => undefined);
  useEffect(() => {
    onWheel.current = (e) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        setView(zoom(span, e.deltaY > 0 ? 1.25 : 0.8, anchorOf(e.clientX)));
      } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        setView(pan(span, (e.deltaX || e.deltaY) / Math.max(200, width)));
      }
    };
  });
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const listener = (e: globalThis.WheelEvent) => onWheel.current(e);
    element.addEventListener("wheel", listener, { passive: false });
    return () => element.removeEventListener("wheel", listener);
  }, []);
  // Dragging pans; a press that does not move stays a click (on a bar or a name).
  const drag = useRef<{ x: number; span: Span; moving: boolean } | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    const box = area.current?.getBoundingClientRect();
    if (e.button !== 0 || !box || e.clientX < box.left) return;
    drag.current = { x: e.clientX, span, moving: false };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    if (!d.moving && Math.abs(e.clientX - d.x) > 4) {
      d.moving = true;
      (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    }
    if (d.moving) setView(pan(d.span, (d.x - e.clientX) / Math.max(1, width)));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="run-timeline">
      <div className="flex items-center gap-1 border-b border-zinc-200 px-2 py-1 text-xs dark:border-zinc-800">
        <span className="text-zinc-500">
          {formatDurationMs(whole.end - whole.start)} · Ctrl + wheel zooms, drag pans
        </span>
        <span className="ml-auto" />
        <IconButton label="Zoom in" onClick={() => setView(zoom(span, 0.5))}>
          <ZoomIn className="size-4" aria-hidden />
        </IconButton>
        <IconButton label="Zoom out" onClick={() => setView(zoom(span, 2))}>
          <ZoomOut className="size-4" aria-hidden />
        </IconButton>
        <IconButton label="Fit the whole run" onClick={() => setView(null)}>
          <Maximize2 className="size-4" aria-hidden />
        </IconButton>
      </div>
      <div className="flex border-b border-zinc-200 text-[10px] text-zinc-500 dark:border-zinc-800">
        <div style={{ width: LABEL_WIDTH }} className="shrink-0 px-2 py-1">
          Task
        </div>
        <div className="relative h-5 flex-1 overflow-hidden" aria-hidden>
          {axis.map((t) => (
            <span
              key={t.at}
              className="absolute top-1 -translate-x-1/2 tabular-nums"
              style={{ left: x(t.at) }}
            >
              {t.label}
            </span>
          ))}
        </div>
      </div>
      <div ref={scroller} className="relative min-h-0 flex-1 overflow-auto">
        <div
          style={{ height: Math.max(rows.getTotalSize(), 1) }}
          className="relative cursor-grab select-none active:cursor-grabbing"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        >
          {rows.getVirtualItems().map((row) => {
            const { task, items } = entries[row.index]!;
            if (items && task.map) {
              return (
                <div
                  key={`${task.name} items`}
                  className="absolute left-0 right-0 flex bg-zinc-50/60 dark:bg-zinc-900/40"
                  style={{ top: row.start, height: ROW }}
                  data-items-of={task.name}
                >
                  <span
                    style={{ width: LABEL_WIDTH }}
                    className="flex shrink-0 items-center border-r border-zinc-100 pl-7 pr-2 text-[11px] text-zinc-500 dark:border-zinc-800"
                  >
                    <span className="truncate">
                      <MapCounts map={task.map} compact />
                    </span>
                  </span>
                  <ItemsSpan task={task} x={x} now={live ? now : null} />
                </div>
              );
            }
            return (
              <div
                key={task.name}
                className="absolute left-0 right-0 flex"
                style={{ top: row.start, height: ROW }}
              >
                <span
                  style={{ width: LABEL_WIDTH }}
                  className={`flex shrink-0 items-center border-r border-zinc-100 dark:border-zinc-800 ${
                    task.name === selected
                      ? "bg-indigo-50 font-semibold dark:bg-indigo-950"
                      : "hover:bg-zinc-50 dark:hover:bg-zinc-900"
                  }`}
                >
                  {task.map ? (
                    <button
                      type="button"
                      aria-label={`${expanded.has(task.name) ? "Hide" : "Show"} the items of ${task.name}`}
                      aria-expanded={expanded.has(task.name)}
                      onClick={() => toggle(task.name)}
                      className="ml-1 rounded p-0.5 text-zinc-500 hover:bg-zinc-200 dark:hover:bg-zinc-800"
                    >
                      {expanded.has(task.name) ? (
                        <ChevronDown className="size-3.5" aria-hidden />
                      ) : (
                        <ChevronRight className="size-3.5" aria-hidden />
                      )}
                    </button>
                  ) : null}
                  <button
                    type="button"
                    onClick={() => onSelectTask(task.name)}
                    className={`flex min-w-0 flex-1 items-baseline gap-1 truncate py-1 text-left font-mono text-xs ${task.map ? "pl-1 pr-2" : "px-2"}`}
                  >
                    <span className="truncate">{task.name}</span>
                    {task.map ? (
                      <span className="shrink-0 text-indigo-700 dark:text-indigo-300">
                        {timesLabel(task.map)}
                      </span>
                    ) : null}
                  </button>
                </span>
                <TimelineRow task={task} x={x} now={live ? now : null} onSelect={onSelectTask} />
              </div>
            );
          })}
          <div
            ref={area}
            className="pointer-events-none absolute bottom-0 top-0"
            style={{ left: LABEL_WIDTH, right: 0 }}
          >
            {axis.map((t) => (
              <span
                key={t.at}
                className="absolute bottom-0 top-0 border-l border-zinc-100 dark:border-zinc-800/60"
                style={{ left: x(t.at) }}
              />
            ))}
            {live ? (
              <span
                data-testid="timeline-now"
                title="now"
                className="absolute bottom-0 top-0 border-l-2 border-red-500/70"
                style={{ left: x(now) }}
              />
            ) : null}
          </div>
        </div>
      </div>
    </div>
  );
}

/** A mapped task's items over its span: the share of them in each state, as a bar. */
function ItemsSpan({
  task,
  x,
  now,
}: {
  task: RunPageTask;
  x: (t: number) => number;
  now: number | null;
}) {
  const map = task.map!;
  const first = task.timeline.attempts[0];
  if (!first) {
    return (
      <div className="relative flex-1 text-[10px] leading-[26px] text-zinc-400">not started</div>
    );
  }
  const start = x(ms(first.startedAt));
  const endAt = task.endedAt ? ms(task.endedAt) : (now ?? ms(first.startedAt));
  const end = x(endAt);
  return (
    <div className="relative flex-1">
      <span
        className="absolute top-[9px]"
        style={{ left: start, width: Math.max(8, end - start) }}
        title={`${task.name}: ${map.count ?? "?"} items`}
      >
        <MapBar map={map} running={task.state === "Running"} className="h-2" />
      </span>
    </div>
  );
}

/** One task's attempts, the waits between them, and its Cached / Not run moments. */
const TimelineRow = memo(function TimelineRow({
  task,
  x,
  now,
  onSelect,
}: {
  task: RunPageTask;
  x: (t: number) => number;
  now: number | null;
  onSelect: (name: string) => void;
}) {
  const { attempts, moments } = task.timeline;
  return (
    <div className="relative flex-1" data-task={task.name}>
      {attempts.map((a, i) => {
        const start = x(ms(a.startedAt));
        const end = x(a.endedAt ? ms(a.endedAt) : (now ?? ms(a.startedAt)));
        const next = attempts[i + 1];
        const waitEnd =
          a.state === "Retrying"
            ? next
              ? ms(next.startedAt)
              : task.nextAttemptAt
                ? ms(task.nextAttemptAt)
                : null
            : null;
        const error = a.error as { type?: string; message?: string } | null;
        return (
          <span key={a.n}>
            <button
              type="button"
              data-attempt={a.n}
              data-state={a.state}
              onClick={() => onSelect(task.name)}
              title={`${task.name} · attempt ${a.n} · ${a.state === "Retrying" ? "failed, retried" : stateLabel(a.state)} · ${formatDurationMs((a.endedAt ? ms(a.endedAt) : (now ?? ms(a.startedAt))) - ms(a.startedAt))}${error ? `\n${error.type}: ${error.message}` : ""}`}
              className={`absolute top-1.5 h-3.5 rounded-sm ${a.state === "Retrying" ? FILL.Failed : FILL[a.state]} ${a.endedAt ? "" : "animate-pulse"}`}
              style={{ left: start, width: Math.max(2, end - start) }}
            />
            {waitEnd !== null && a.endedAt ? (
              <span
                data-wait={a.n}
                title={`waiting ${formatDurationMs(waitEnd - ms(a.endedAt))} before attempt ${a.n + 1}`}
                className="absolute top-[13px] border-t-2 border-dashed border-amber-500"
                style={{ left: end, width: Math.max(2, x(waitEnd) - end) }}
              />
            ) : null}
          </span>
        );
      })}
      {moments.map((m, i) => (
        <span
          key={i}
          data-moment={m.state}
          title={`${stateLabel(m.state)}${m.message ? `: ${m.message}` : ""}`}
          className="absolute top-1 flex items-center gap-1 whitespace-nowrap text-[10px] text-zinc-500"
          style={{ left: x(ms(m.at)) }}
        >
          <span className={`size-2.5 rotate-45 ${FILL[m.state]}`} aria-hidden />
          {stateLabel(m.state)}
        </span>
      ))}
    </div>
  );
});
