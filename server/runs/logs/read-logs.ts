// The reads a log viewer makes on a run of any size: a window of lines by number (random access
// for the unfiltered view), filtered pages forwards from a line or backwards from one, and the
// last N lines. Each reads only the chunks it needs, so an answer costs the same anywhere in a
// run of 1,000,000 lines (docs/benchmarks.md "Logs").
import type { LogLineView, LogWindow } from "../../../contract/api-v1.ts";
import { isFinalFlowRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError } from "../../errors.ts";
import { decodeChunk, fetchChunks, type LogFilters, type StoredChunk } from "./read-chunks.ts";

export type RunLogs = {
  /** Lines the run has; every line up to it is stored (a report writes both in one transaction). */
  total: number;
  /** The run has ended, so `total` is final. */
  ended: boolean;
};

/** Read before the lines: agents write a run's last lines before (or with) its final state. */
export async function runLogs(db: Db, runId: string): Promise<RunLogs> {
  const run = isUuid(runId)
    ? await db.flowRun.findUnique({ where: { id: runId }, select: { state: true, logLines: true } })
    : null;
  if (!run) throw new NotFoundError("flow run", runId);
  return { total: run.logLines, ended: isFinalFlowRunState(run.state) };
}

/** Lines [from, to) of the run, unfiltered. */
export async function readLogWindow(
  db: Db,
  runId: string,
  window: { from: number; to: number },
): Promise<LogWindow> {
  const info = await runLogs(db, runId);
  const to = Math.min(window.to, info.total + 1);
  if (window.from >= to) return { lines: [], ...info };
  const chunks = await fetchChunks(db, runId, { from: window.from, to, limit: to - window.from });
  return { lines: chunks.flatMap((c) => decodeChunk(c, { from: window.from, to })), ...info };
}

export type LogScan = {
  lines: LogLineView[];
  /** Every line up to here (forwards) or from here (backwards) was looked at. */
  scannedTo: number;
  /** The scan reached the end of what it was to look at: no more lines pass the filters. */
  exhausted: boolean;
};

// Chunks are fetched a few at a time and more each round: a page of a dense log needs one or two
// chunks, a rare filter match may need every chunk of the run (each round continues the scan).
const FIRST_ROUND = 4;
const MAX_ROUND = 256;

/** Up to `limit` lines in (after, upTo] that pass the filters, in order. */
export async function scanForwards(
  db: Db,
  runId: string,
  page: { after: number; upTo: number; limit: number },
  filters: LogFilters,
): Promise<LogScan> {
  const lines: LogLineView[] = [];
  let cursor = page.after;
  for (let round = FIRST_ROUND; ; round = Math.min(round * 2, MAX_ROUND)) {
    const range = { from: cursor + 1, to: page.upTo + 1 };
    if (range.from >= range.to) return { lines, scannedTo: page.upTo, exhausted: true };
    const chunks = await fetchChunks(db, runId, { ...range, limit: round }, filters);
    for (const chunk of chunks) {
      for (const line of decodeChunk(chunk, range, filters.q)) {
        lines.push(line);
        if (lines.length === page.limit) return { lines, scannedTo: line.line, exhausted: false };
      }
      cursor = lastLine(chunk);
    }
    if (chunks.length < round) return { lines, scannedTo: page.upTo, exhausted: true };
  }
}

/** Up to `limit` lines before `before` that pass the filters: the last of them, in order. */
export async function scanBackwards(
  db: Db,
  runId: string,
  page: { before: number; limit: number },
  filters: LogFilters,
): Promise<LogScan> {
  const found: LogLineView[] = [];
  let cursor = page.before;
  for (let round = FIRST_ROUND; ; round = Math.min(round * 2, MAX_ROUND)) {
    if (cursor <= 1) return { lines: found.reverse(), scannedTo: 1, exhausted: true };
    const range = { from: 1, to: cursor };
    const chunks = await fetchChunks(
      db,
      runId,
      { ...range, limit: round, backwards: true },
      filters,
    );
    for (const chunk of chunks) {
      const lines = decodeChunk(chunk, range, filters.q);
      for (let i = lines.length - 1; i >= 0; i--) {
        found.push(lines[i]!);
        if (found.length === page.limit) {
          return { lines: found.reverse(), scannedTo: lines[i]!.line, exhausted: false };
        }
      }
      cursor = chunk.first;
    }
    if (chunks.length < round) return { lines: found.reverse(), scannedTo: 1, exhausted: true };
  }
}

const lastLine = (chunk: StoredChunk) => chunk.first + chunk.count - 1;
