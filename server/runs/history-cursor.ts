// Where a reader of a run's state history stopped: the last task-run and flow-run history rows
// it has seen. History rows are numbered as they are written and a run's rows are written under
// its row lock, so a run's rows commit in their numbers' order: "after this cursor" misses none.
// Used by the run page's live changes and by GET /api/v1/flow-runs/{id}/history?after=.
import * as z from "zod";

export type HistoryCursor = { taskEvent: bigint; flowEvent: bigint };

const HISTORY_CURSOR = /^(\d{1,19})\.(\d{1,19})$/;
// History rows are numbered by PostgreSQL's bigint: a larger number is no cursor it gave.
const MAX_ROW_ID = 2n ** 63n - 1n;

const NOT_A_CURSOR =
  "the cursor is not one this server gave (a `next` or `cursor` of an earlier answer)";

/** A cursor as callers send it back (REST `?after=`, the run page's live changes). */
export const HistoryCursorSchema = z
  .string()
  .regex(HISTORY_CURSOR, { message: NOT_A_CURSOR, abort: true })
  .refine((text) => text.split(".").every((part) => BigInt(part) <= MAX_ROW_ID), NOT_A_CURSOR);

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return `${cursor.taskEvent}.${cursor.flowEvent}`;
}

/** The cursor's position; the start for anything that is not one. */
export function decodeHistoryCursor(cursor: string | undefined): HistoryCursor {
  const match = cursor ? HISTORY_CURSOR.exec(cursor) : null;
  return match
    ? { taskEvent: BigInt(match[1]!), flowEvent: BigInt(match[2]!) }
    : { taskEvent: 0n, flowEvent: 0n };
}
