"use client";
// The runs as a virtualised table: only the rows in view (and a few around) are in the page, so
// thousands of loaded runs scroll as smoothly as fifty. Rows have one height, so the list can
// keep the row you are looking at in place when newer runs arrive above it.
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useLayoutEffect, useRef } from "react";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import type { FlowRunListItem } from "@/contract/api-v1";
import { formatDurationMs } from "@/contract/duration";

export const ROW_HEIGHT = 41;
const COLUMNS = [
  ["State", "w-32"],
  ["Flow", "w-[22%]"],
  ["Version", "w-20"],
  ["Deployment", "w-[16%]"],
  ["Tags", ""],
  ["Scheduled / started", "w-44"],
  ["Duration", "w-28"],
] as const;

const REPLAY_LABEL = { retry: "retry", fromFailure: "from failure", fromTask: "from task" };

export function RunsTable({
  runs,
  onNearEnd,
  onTag,
  footer,
}: {
  runs: readonly FlowRunListItem[];
  /** Called when the rows in view come close to the last loaded one. */
  onNearEnd: () => void;
  onTag: (tag: string) => void;
  footer: React.ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const virtualizer = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => runs[i]?.id ?? i,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (runs.length > 0 && lastIndex >= runs.length - 25) onNearEnd();
  }, [lastIndex, runs.length, onNearEnd]);
  useKeepRowInPlace(scrollRef, runs);

  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" data-runs-scroll>
      <table className="w-full table-fixed text-left text-sm" aria-label="Runs">
        <thead className="sticky top-0 z-10 bg-white text-xs uppercase text-zinc-500 shadow-[0_1px_0] shadow-zinc-200 dark:bg-zinc-950 dark:shadow-zinc-800">
          <tr>
            {COLUMNS.map(([label, width], i) => (
              <th key={label} className={`py-2 font-medium ${width} ${i === 0 ? "pl-8" : ""}`}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {top > 0 ? <tr aria-hidden style={{ height: top }} /> : null}
          {items.map((item) => (
            <RunRow key={item.key} run={runs[item.index]!} onTag={onTag} />
          ))}
          {bottom > 0 ? <tr aria-hidden style={{ height: bottom }} /> : null}
        </tbody>
      </table>
      {footer}
    </div>
  );
}

function RunRow({ run, onTag }: { run: FlowRunListItem; onTag: (tag: string) => void }) {
  const router = useRouter();
  const href = `/runs/${run.id}`;
  return (
    <tr
      data-run={run.id}
      style={{ height: ROW_HEIGHT }}
      className="cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-900"
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest("a, button")) router.push(href);
      }}
    >
      <td className="pl-8">
        <StateBadge state={run.state} />
        {run.waitingFor ? (
          <span
            data-testid="waiting-for"
            className="ml-1 text-xs text-sky-800 dark:text-sky-300"
            title={run.waitingFor}
          >
            {run.waitingFor}
          </span>
        ) : null}
        {run.replayKind ? (
          <span className="ml-1 text-xs text-zinc-500">{REPLAY_LABEL[run.replayKind]}</span>
        ) : null}
      </td>
      <td className="truncate pr-2 font-medium">
        {/* No prefetch: a screenful of rows would ask the server for a screenful of run pages. */}
        <Link href={href} prefetch={false} className="hover:underline" title={`Run ${run.id}`}>
          {run.flow.name}
        </Link>
      </td>
      <td className="tabular-nums text-zinc-500">v{run.flow.version}</td>
      <td className="truncate pr-2 text-zinc-500">
        {run.deployment ? run.deployment.name : run.cellTask ? `cell: ${run.cellTask}` : "—"}
      </td>
      <td className="truncate pr-2">
        {run.tags.map((tag) => (
          <button
            key={tag}
            type="button"
            title={`Show runs tagged ${tag}`}
            onClick={() => onTag(tag)}
            className="mr-1 rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700"
          >
            {tag}
          </button>
        ))}
      </td>
      <td className="text-zinc-500 tabular-nums" title={`scheduled ${formatTime(run.scheduledAt)}`}>
        {run.startedAt ? formatTime(run.startedAt) : <i>{formatTime(run.scheduledAt)}</i>}
      </td>
      <td className="tabular-nums text-zinc-500">
        {run.durationMs === null ? "—" : formatDurationMs(run.durationMs)}
      </td>
    </tr>
  );
}

/**
 * Newer runs appear above the ones loaded before (the list refreshes while open). When the list
 * is scrolled, move by the rows added above, so the row in view stays where it was.
 */
function useKeepRowInPlace(
  scrollRef: React.RefObject<HTMLDivElement | null>,
  runs: readonly FlowRunListItem[],
) {
  const anchor = useRef<{ id: string; index: number } | null>(null);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const previous = anchor.current;
    if (previous && el.scrollTop > 0) {
      const index = runs.findIndex((r) => r.id === previous.id);
      if (index >= 0 && index !== previous.index)
        el.scrollTop += (index - previous.index) * ROW_HEIGHT;
    }
    const first = Math.min(runs.length - 1, Math.floor(el.scrollTop / ROW_HEIGHT));
    anchor.current = first >= 0 ? { id: runs[first]!.id, index: first } : null;
  }, [scrollRef, runs]);
  // The anchor follows the user's scrolling too.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      const first = Math.min(runs.length - 1, Math.floor(el.scrollTop / ROW_HEIGHT));
      anchor.current = first >= 0 ? { id: runs[first]!.id, index: first } : null;
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [scrollRef, runs]);
}
