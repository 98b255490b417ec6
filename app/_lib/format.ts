import { formatDurationMs } from "@/contract/duration";

/** A time as people read it in lists: "Nov 25, 14:03:12". */
export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** How long between two times (or until now), "1.2 s" / "3 min 4 s". */
export function formatDuration(startIso: string | null, endIso: string | null): string {
  if (!startIso) return "—";
  return formatDurationMs(
    (endIso ? new Date(endIso) : new Date()).getTime() - new Date(startIso).getTime(),
  );
}
