// "3 s ago", "in 5 min": how the studio and the CLI say when an agent was last heard from or a
// queued run is due — one wording for both.

/** `at` relative to `now` (both ms or ISO), rounded down to the largest whole unit. */
export function relativeTime(at: string | number, now: string | number = Date.now()): string {
  const ms = toMs(now) - toMs(at);
  const abs = Math.abs(ms);
  if (abs < 1_000) return "now";
  const [amount, unit] =
    abs < 60_000
      ? [abs / 1_000, "s"]
      : abs < 3_600_000
        ? [abs / 60_000, "min"]
        : abs < 86_400_000
          ? [abs / 3_600_000, "h"]
          : [abs / 86_400_000, "d"];
  const text = `${Math.floor(amount)} ${unit}`;
  return ms > 0 ? `${text} ago` : `in ${text}`;
}

function toMs(value: string | number): number {
  return typeof value === "number" ? value : Date.parse(value);
}
