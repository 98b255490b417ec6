// Where a reader of a run's state history stopped: the last task-run and flow-run history rows
// it has seen. History rows are numbered as they are written and a run's rows are written under
// its row lock, so a run's rows commit in their numbers' order: "after this cursor" misses none.
// Used by the run page's live changes and by GET /api/v1/flow-runs/{id}/history?after=.

export type HistoryCursor = { taskEvent: bigint; flowEvent: bigint };

export const HISTORY_CURSOR = /^\d{1,19}\.\d{1,19}$/;

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  return `${cursor.taskEvent}.${cursor.flowEvent}`;
}

/** The cursor's position; the start for anything that is not one. */
export function decodeHistoryCursor(cursor: string | undefined): HistoryCursor {
  const match = cursor ? /^(\d{1,19})\.(\d{1,19})$/.exec(cursor) : null;
  return match
    ? { taskEvent: BigInt(match[1]!), flowEvent: BigInt(match[2]!) }
    : { taskEvent: 0n, flowEvent: 0n };
}
