// The times in an agent's report, kept to what can be true. Every event and log line of a run
// happened after the run was claimed and before the report reached the server, so a time outside
// that window is moved to its nearer edge (an agent reporting log lines of year 9999 had them
// stored, and the run's timeline stretched over eight thousand years).
//
// Clamped rather than refused: a remote VM whose clock drifted is an everyday fault, not an
// attack, and refusing its reports would fail every run it takes; clamping bounds what a wrong
// clock (or a lying agent) can store to the run's real window. Clamping never reorders: a time
// that was not before another is not after it once clamped, and log lines are ordered by their
// number anyway (LogChunk.firstLine), never by time. Both edges come from the database's clock,
// which also stamped the claim, so servers with different clocks agree.
//
// A time an agent announces for the future (a retry's next attempt, a cached result's expiry) is
// kept within a year: the longest a flow file can ask for (cache expiresSeconds ≤ 365 days).
import type { LogBlock, ReportEvent } from "../../../contract/agent-protocol.ts";

export const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Epoch milliseconds: when this lease claimed the run, and the server's now. */
export type ReportWindow = { notBefore: number; notAfter: number };

export function boundReportTimes(
  window: ReportWindow,
  events: readonly ReportEvent[],
  logs: readonly LogBlock[],
): { events: ReportEvent[]; logs: LogBlock[] } {
  // (NaN cannot come from the contract's ISO times; were it to, it would read as now.)
  const clamp = (ms: number) =>
    Number.isNaN(ms) ? window.notAfter : Math.min(Math.max(ms, window.notBefore), window.notAfter);
  return {
    events: events.map((event) => boundEvent(event, clamp, window.notAfter + MAX_AHEAD_MS)),
    logs: logs.map((block) => boundBlock(block, clamp)),
  };
}

function boundEvent(
  event: ReportEvent,
  clamp: (ms: number) => number,
  latestAhead: number,
): ReportEvent {
  const at = clamp(Date.parse(event.at));
  const iso = (ms: number) => new Date(ms).toISOString();
  if (event.type !== "task") return { ...event, at: iso(at) };
  const ahead = (time: string) => iso(Math.min(Math.max(Date.parse(time) || at, at), latestAhead));
  return {
    ...event,
    at: iso(at),
    ...(event.nextAttemptAt !== undefined ? { nextAttemptAt: ahead(event.nextAttemptAt) } : {}),
    ...(event.cache
      ? {
          cache: {
            ...event.cache,
            expiresAt: event.cache.expiresAt === null ? null : ahead(event.cache.expiresAt),
          },
        }
      : {}),
  };
}

/** A block's lines at their clamped times: the block's time and each line's offset from it. */
function boundBlock(block: LogBlock, clamp: (ms: number) => number): LogBlock {
  let last = 0;
  for (const offset of block.offsets) if (offset > last) last = offset;
  // The common case, a right clock: 20,000 lines per report pass through untouched.
  if (clamp(block.at) === block.at && clamp(block.at + last) === block.at + last) return block;
  const at = clamp(block.at);
  return { ...block, at, offsets: block.offsets.map((offset) => clamp(block.at + offset) - at) };
}
