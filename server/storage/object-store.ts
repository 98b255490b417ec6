// What a storage can do, whatever its kind: hand out short-lived transfer URLs (agents upload and
// download with them and never hold credentials) and read an object for the server itself (the
// run page's viewer, the API's result download). Artifacts reuse the same two transfers.
import type { Readable } from "node:stream";
import type { StorageTransfer } from "../../contract/agent-protocol.ts";

export type ObjectStore = {
  /** A URL that takes exactly `sizeBytes` bytes under `key` with one PUT (JSON unless said). */
  uploadTarget(key: string, sizeBytes: number, contentType?: string): Promise<StorageTransfer>;
  /** A URL that answers the object under `key` to one GET. */
  downloadTarget(key: string): Promise<StorageTransfer>;
  /** The object's bytes, from `start` to `end` (inclusive) when given. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Deletes these objects; one already gone is no error. */
  delete(keys: string[]): Promise<void>;
  /** Fails with a clear message when the storage cannot be reached or refuses the credentials. */
  check(): Promise<void>;
};

/** How long a transfer URL stays good: long enough to start a 1 GB transfer, short enough to leak little. */
export const TRANSFER_TTL_SECONDS = 15 * 60;

/** A key the server makes for a run's result: unguessable, under the run's own prefix. */
export function resultKey(
  flowRunId: string,
  task: string,
  attempt: number,
  item: number | undefined,
  random: string,
): string {
  const who = item === undefined ? task : `${task}.${item}`;
  return `${runPrefix(flowRunId)}${who}/${attempt}-${random}.json`;
}

export function runPrefix(flowRunId: string): string {
  return `runs/${flowRunId}/`;
}

/** A key the server makes for an artifact: unguessable, under the run's own prefix. */
export function artifactKey(
  flowRunId: string,
  task: string,
  attempt: number,
  item: number | undefined,
  random: string,
): string {
  const who = item === undefined ? task : `${task}.${item}`;
  return `${runPrefix(flowRunId)}artifacts/${who}/${attempt}-${random}`;
}
