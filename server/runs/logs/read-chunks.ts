// Reading stored chunks back as numbered lines, one index range at a time, with the filters a
// log viewer offers applied to whole chunks in SQL (a chunk is one task attempt and level, and
// `search` holds its lines lower-cased) and to single lines here.
import type { LogLevel, LogLineView } from "../../../contract/api-v1.ts";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { CHUNK_LINES } from "./chunks.ts";

export type LogFilters = {
  task?: string;
  /** With `task`: only the lines of this item of the mapped task. */
  item?: number;
  levels?: readonly LogLevel[];
  /** Text the line must hold, case-insensitively. */
  q?: string;
};

export type StoredChunk = {
  first: number;
  count: number;
  task: string | null;
  item: number | null;
  attempt: number | null;
  level: LogLevel;
  firstAt: Date;
  messages: string;
  offsets: string;
};

export const isFiltered = (filters: LogFilters) =>
  filters.task !== undefined ||
  filters.item !== undefined ||
  filters.levels !== undefined ||
  filters.q !== undefined;

/**
 * Chunks holding lines in [from, to) that may pass the filters, in line order (or backwards),
 * at most `limit` of them.
 */
export function fetchChunks(
  db: Db,
  runId: string,
  range: { from: number; to: number; backwards?: boolean; limit: number },
  filters: LogFilters = {},
): Promise<StoredChunk[]> {
  const where = [
    Prisma.sql`"flowRunId" = ${runId}::uuid`,
    Prisma.sql`"firstLine" < ${range.to}::int`,
    // No chunk holds more than CHUNK_LINES lines: this bound keeps the read one index range.
    Prisma.sql`"firstLine" > ${range.from - CHUNK_LINES}::int`,
    Prisma.sql`"firstLine" + "lineCount" > ${range.from}::int`,
  ];
  if (filters.task !== undefined) where.push(Prisma.sql`"taskName" = ${filters.task}`);
  if (filters.item !== undefined) where.push(Prisma.sql`"mapIndex" = ${filters.item}::int`);
  if (filters.levels !== undefined) {
    where.push(
      Prisma.sql`level::text IN (${Prisma.join(filters.levels.length ? filters.levels : [""])})`,
    );
  }
  if (filters.q !== undefined) {
    where.push(Prisma.sql`strpos(search, ${filters.q.toLowerCase()}) > 0`);
  }
  return db.$queryRaw<StoredChunk[]>`
    SELECT "firstLine" AS first, "lineCount" AS count, "taskName" AS task, "mapIndex" AS item, attempt,
      level::text AS level, "firstAt", messages::text AS messages, offsets::text AS offsets
    FROM "LogChunk" WHERE ${Prisma.join(where, " AND ")}
    ORDER BY "firstLine" ${range.backwards ? Prisma.sql`DESC` : Prisma.sql`ASC`}
    LIMIT ${range.limit}::int`;
}

/** The chunk's lines in [from, to) that pass the text filter, in order. */
export function decodeChunk(
  chunk: StoredChunk,
  range: { from: number; to: number },
  q?: string,
): LogLineView[] {
  const messages = JSON.parse(chunk.messages) as string[];
  const offsets = JSON.parse(chunk.offsets) as number[];
  const at = chunk.firstAt.getTime();
  const needle = q?.toLowerCase();
  const lines: LogLineView[] = [];
  const start = Math.max(0, range.from - chunk.first);
  const end = Math.min(messages.length, range.to - chunk.first);
  for (let i = start; i < end; i++) {
    const message = messages[i]!;
    if (needle !== undefined && !message.toLowerCase().includes(needle)) continue;
    lines.push({
      line: chunk.first + i,
      task: chunk.task,
      item: chunk.item,
      attempt: chunk.attempt,
      level: chunk.level,
      message,
      timestamp: new Date(at + (offsets[i] ?? 0)).toISOString(),
    });
  }
  return lines;
}
