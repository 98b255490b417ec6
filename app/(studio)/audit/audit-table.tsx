"use client";
// Audit events as a virtualised table (the log only grows): only the rows in view are in the
// page. Every name in it came from a user, so it is rendered as text, never as markup.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { formatTime } from "@/app/_lib/format";
import type { AuditEventView } from "@/contract/api-v1";

const ROW_HEIGHT = 41;
const COLUMNS = [
  ["When", "w-44 pl-8"],
  ["Who", "w-[18%]"],
  ["Via", "w-[16%]"],
  ["Action", "w-44"],
  ["Target", "w-[22%]"],
  ["Details", ""],
] as const;

export function AuditTable({
  events,
  onNearEnd,
  footer,
}: {
  events: readonly AuditEventView[];
  onNearEnd: () => void;
  footer: React.ReactNode;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => events[i]?.id ?? i,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (events.length > 0 && lastIndex >= events.length - 25) onNearEnd();
  }, [lastIndex, events.length, onNearEnd]);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scrollRef} className="mt-4 min-h-0 flex-1 overflow-auto">
      <table className="w-full table-fixed text-left text-sm" aria-label="Audit events">
        <thead className="sticky top-0 z-10 bg-white text-xs uppercase text-zinc-500 shadow-[0_1px_0] shadow-zinc-200 dark:bg-zinc-950 dark:shadow-zinc-800">
          <tr>
            {COLUMNS.map(([label, width]) => (
              <th key={label} className={`py-2 font-medium ${width}`}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {top > 0 ? <tr aria-hidden style={{ height: top }} /> : null}
          {items.map((item) => (
            <EventRow key={item.key} event={events[item.index]!} />
          ))}
          {bottom > 0 ? <tr aria-hidden style={{ height: bottom }} /> : null}
        </tbody>
      </table>
      {footer}
    </div>
  );
}

function EventRow({ event: e }: { event: AuditEventView }) {
  const target = e.target.name ?? e.target.id ?? "";
  const details = Object.entries(e.details)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join(" · ");
  return (
    <tr
      data-audit-event={e.id}
      data-action={e.action}
      data-target={e.target.id ?? undefined}
      style={{ height: ROW_HEIGHT }}
    >
      <td className="pl-8 tabular-nums text-zinc-500">{formatTime(e.at)}</td>
      <td className="truncate pr-2 font-medium" title={e.actor.userId ?? undefined}>
        {e.actor.name}
      </td>
      <td className="truncate pr-2 text-zinc-500">
        {e.actor.key ? `${e.actor.via}: ${e.actor.key.name}` : e.actor.via}
      </td>
      <td className="truncate pr-2 font-mono text-xs">{e.action}</td>
      <td className="truncate pr-2" title={e.target.id ?? undefined}>
        <span className="text-zinc-500">{e.target.type}</span> {target}
      </td>
      <td className="truncate pr-2 text-xs text-zinc-500" title={details}>
        {details}
      </td>
    </tr>
  );
}
