// A moment given on the command line: a span back from now ("30m", "24h", "7d", "2w") or a
// date/time ("2026-11-30", "2026-11-30T08:00", ISO-8601 with a zone).
import { CliError } from "./output.ts";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function parseTimeArg(value: string, flag: string, now = new Date()): Date {
  const span = /^(\d+)([smhdw])$/.exec(value.trim());
  if (span) {
    return new Date(now.getTime() - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS]);
  }
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(at)) return new Date(at);
  throw new CliError(
    `${flag} takes a span back from now (30m, 24h, 7d, 2w) or a date/time (2026-11-30, 2026-11-30T08:00); got "${value}"`,
  );
}
