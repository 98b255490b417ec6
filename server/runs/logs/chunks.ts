// How a run's log lines are stored: chunks of consecutive lines of one task attempt and level
// (LogChunk in prisma/schema.prisma). Planning them from a report is pure; reading them back
// decodes a chunk into numbered lines.
import type { LogBlock, LogEvent } from "../../../contract/agent-protocol.ts";
import type { LogLevel } from "../../../contract/api-v1.ts";

/**
 * Lines in one chunk at most. Reads find the chunks of lines [from, to) as those starting in
 * (from - CHUNK_LINES, to), one index range; a window read decodes at most two extra chunks.
 */
export const CHUNK_LINES = 1_000;
/** A chunk also ends past this much text, so a window never decodes megabytes for a few lines. */
const CHUNK_CHARS = 256 * 1024;

export type ChunkRow = {
  first: number;
  count: number;
  task: string | null;
  /** A mapped task's item; null for a task that is not mapped. */
  item: number | null;
  attempt: number | null;
  level: LogLevel;
  /** Epoch milliseconds of the first line. */
  at: number;
  /** JSON array of the lines. */
  messages: string;
  /** JSON array of each line's milliseconds after `at`. */
  offsets: string;
  /** The lines lower-cased, joined by newlines. */
  search: string;
};

/** Version 1 agents send a line per event: consecutive ones of one task attempt and level form a block. */
export function blocksOfEvents(events: readonly LogEvent[]): LogBlock[] {
  const blocks: LogBlock[] = [];
  let last: LogBlock | undefined;
  for (const event of events) {
    const at = Date.parse(event.at);
    if (
      !last ||
      last.task !== event.task ||
      last.item !== event.item ||
      last.attempt !== event.attempt ||
      last.level !== event.level ||
      at < last.at
    ) {
      last = {
        task: event.task,
        ...(event.item !== undefined ? { item: event.item } : {}),
        attempt: event.attempt,
        level: event.level,
        at,
        offsets: [],
        lines: [],
      };
      blocks.push(last);
    }
    last.offsets.push(at - last.at);
    last.lines.push(event.message);
  }
  return blocks;
}

/** The chunks that store `blocks`, numbered on from `firstLine`. */
export function planChunks(firstLine: number, blocks: readonly LogBlock[]): ChunkRow[] {
  const rows: ChunkRow[] = [];
  let line = firstLine;
  for (const block of blocks) {
    for (let start = 0; start < block.lines.length;) {
      let end = start;
      let chars = 0;
      while (end < block.lines.length && end - start < CHUNK_LINES && chars < CHUNK_CHARS) {
        chars += block.lines[end]!.length;
        end++;
      }
      const lines = block.lines.slice(start, end);
      const offsets = block.offsets.slice(start, end);
      let base = offsets[0]!;
      for (const offset of offsets) if (offset < base) base = offset;
      rows.push({
        first: line,
        count: lines.length,
        task: block.task,
        item: block.item ?? null,
        attempt: block.attempt,
        level: block.level,
        at: block.at + base,
        messages: JSON.stringify(lines),
        offsets: JSON.stringify(base ? offsets.map((o) => o - base) : offsets),
        search: lines.join("\n").toLowerCase(),
      });
      line += lines.length;
      start = end;
    }
  }
  return rows;
}
