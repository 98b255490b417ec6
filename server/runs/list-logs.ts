// A page of a run's log lines (GET /api/v1/flow-runs/{id}/logs, the CLI, the viewer's filtered
// reads): forwards after a line, backwards before one, or the last N, with optional task, level
// and text filters. `next` is where to read on; it is null only once the run has ended and every
// line was read, so a follower knows when to stop.
import type { LogLevel, LogsResponse } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import type { LogFilters } from "./logs/read-chunks.ts";
import { runLogs, scanBackwards, scanForwards } from "./logs/read-logs.ts";

export type LogPageQuery = LogFilters & {
  after?: string | number;
  before?: string | number;
  tail?: number;
  limit: number;
};

/** The API's filter parameters as filters: `level` is a comma-separated list. */
export function logFilters(query: {
  task?: string;
  item?: number;
  level?: string;
  q?: string;
}): LogFilters {
  refuseItemWithoutTask(query);
  return {
    task: query.task,
    item: query.item,
    levels: query.level ? ([...new Set(query.level.split(","))] as LogLevel[]) : undefined,
    q: query.q,
  };
}

/** Every mapped task numbers its items from 0: an item alone names no lines in particular. */
function refuseItemWithoutTask(filters: { task?: string; item?: number }) {
  if (filters.item !== undefined && filters.task === undefined) {
    throw new PipebookError(
      "bad_request",
      `item ${filters.item} of which task? Pass task with item (task=NAME&item=${filters.item})`,
    );
  }
}

export async function listFlowRunLogs(
  db: Db,
  id: string,
  query: LogPageQuery,
): Promise<LogsResponse> {
  const ways = [query.after, query.before, query.tail].filter((x) => x !== undefined).length;
  if (ways > 1) {
    throw new PipebookError(
      "bad_request",
      "read logs after a line, before a line or the tail: give one of after, before and tail",
    );
  }
  refuseItemWithoutTask(query);
  const filters: LogFilters = {
    task: query.task,
    item: query.item,
    levels: query.levels,
    q: query.q,
  };
  const info = await runLogs(db, id);
  const { total, ended } = info;
  if (query.before !== undefined || query.tail !== undefined) {
    const before = query.tail !== undefined ? total + 1 : Math.min(Number(query.before), total + 1);
    const limit = query.tail ?? query.limit;
    const scan = await scanBackwards(db, id, { before, limit }, filters);
    return {
      logs: scan.lines,
      // On from the end of this page (for the tail: from the end of the log).
      next: ended && before > total ? null : String(before - 1),
      previous: scan.exhausted ? null : String(scan.lines[0]!.line),
      total,
    };
  }
  const after = Number(query.after ?? 0);
  const scan = await scanForwards(db, id, { after, upTo: total, limit: query.limit }, filters);
  return {
    logs: scan.lines,
    next: scan.exhausted && ended ? null : String(Math.max(scan.scannedTo, after)),
    previous: after === 0 ? null : String(scan.lines[0]?.line ?? after + 1),
    total,
  };
}
