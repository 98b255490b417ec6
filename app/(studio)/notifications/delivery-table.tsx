"use client";
// A rule's deliveries as a virtualised table (the log grows with every run): only the rows in
// view are in the page; nearing the end asks for the next (older) page.
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import type { NotificationDeliveryView } from "@/contract/notifications";

const ROW_HEIGHT = 49;
const STATUS_CLASS = {
  pending: "text-amber-600",
  delivering: "text-sky-600",
  delivered: "text-emerald-600",
  failed: "text-red-600",
} as const;
const COLUMNS = [
  ["Time", "w-40"],
  ["Event", "w-24"],
  ["Run", "w-20"],
  ["Status", "w-36"],
  ["Attempts", "w-20"],
  ["HTTP", "w-14"],
  ["Last error", ""],
  ["", "w-20"],
] as const;

export function DeliveryTable({
  deliveries,
  onNearEnd,
  onRetry,
}: {
  deliveries: readonly NotificationDeliveryView[];
  onNearEnd: () => void;
  /** Null when the viewer may not retry. */
  onRetry: ((id: string) => void) | null;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const virtualizer = useVirtualizer({
    count: deliveries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => deliveries[i]?.id ?? i,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (deliveries.length > 0 && lastIndex >= deliveries.length - 20) onNearEnd();
  }, [lastIndex, deliveries.length, onNearEnd]);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} className="max-h-[60vh] overflow-auto">
      <table className="w-full table-fixed text-left text-sm" aria-label="Deliveries">
        <thead className="sticky top-0 bg-white text-xs text-zinc-500 dark:bg-zinc-900">
          <tr>
            {COLUMNS.map(([label, width], i) => (
              <th key={i} className={`py-1 font-medium ${width}`}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {top > 0 ? <tr aria-hidden style={{ height: top }} /> : null}
          {items.map((item) => (
            <DeliveryRow key={item.key} delivery={deliveries[item.index]!} onRetry={onRetry} />
          ))}
          {bottom > 0 ? <tr aria-hidden style={{ height: bottom }} /> : null}
        </tbody>
      </table>
    </div>
  );
}

function DeliveryRow({
  delivery: d,
  onRetry,
}: {
  delivery: NotificationDeliveryView;
  onRetry: ((id: string) => void) | null;
}) {
  return (
    <tr
      data-delivery={d.id}
      data-status={d.status}
      className="border-t border-zinc-100 dark:border-zinc-800"
      style={{ height: ROW_HEIGHT }}
      title={d.text}
    >
      <td className="whitespace-nowrap tabular-nums">{formatTime(d.createdAt)}</td>
      <td>{d.event}</td>
      <td className="font-mono text-xs">
        {d.flowRunId ? (
          <Link className="underline" href={`/runs/${d.flowRunId}`}>
            {d.flowRunId.slice(0, 8)}
          </Link>
        ) : (
          "—"
        )}
      </td>
      <td className={STATUS_CLASS[d.status]}>
        {d.status}
        {d.status === "pending" && d.nextAttemptAt ? (
          <span className="block text-xs text-zinc-500">next {formatTime(d.nextAttemptAt)}</span>
        ) : null}
      </td>
      <td>{d.attempts}</td>
      <td>{d.lastStatus ?? "—"}</td>
      <td
        className="truncate pr-2 text-xs text-zinc-600 dark:text-zinc-400"
        title={d.lastError ?? ""}
      >
        {d.lastError ?? ""}
      </td>
      <td className="text-right">
        {onRetry && (d.status === "failed" || d.status === "pending") ? (
          <button type="button" className={buttonClass()} onClick={() => onRetry(d.id)}>
            Retry
          </button>
        ) : null}
      </td>
    </tr>
  );
}
