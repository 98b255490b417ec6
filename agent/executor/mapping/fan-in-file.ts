// A mapped task's list of item results when some items' results are in storage: the list's JSON
// is written to a file item by item — a stored item's file is copied byte for byte, never parsed —
// and the file goes to storage as the task's result. The agent holds one item at a time, not the
// whole list (which, with stored items, is over the 256 KB inline limit anyway).
import fs from "node:fs";
import type { RunStorage } from "../../storage/run-storage.ts";
import { StoredValue } from "../../storage/stored-value.ts";

export type FanInFile =
  { ok: true; file: string; sizeBytes: number } | { ok: false; error: string };

export function hasStoredItems(results: readonly unknown[]): boolean {
  return results.some((r) => r instanceof StoredValue);
}

export async function writeFanInFile(
  storage: RunStorage,
  task: string,
  results: readonly unknown[],
): Promise<FanInFile> {
  const file = storage.resultFile(task);
  const fd = fs.openSync(file, "w");
  let sizeBytes = 0;
  const write = (bytes: string | Buffer) => {
    sizeBytes += fs.writeSync(fd, typeof bytes === "string" ? Buffer.from(bytes) : bytes);
  };
  try {
    write("[");
    for (let index = 0; index < results.length; index++) {
      if (index > 0) write(",");
      const result = results[index];
      if (!(result instanceof StoredValue)) {
        write(JSON.stringify(result ?? null));
        continue;
      }
      const got = await storage.fileOf(result);
      if (!got.ok) return { ok: false, error: `item ${index}'s stored result: ${got.error}` };
      // Copied in 1 MB pieces: a 1 GB item does not come into memory whole.
      const source = fs.openSync(got.value, "r");
      try {
        const buffer = Buffer.allocUnsafe(1 << 20);
        for (let read; (read = fs.readSync(source, buffer, 0, buffer.length, null)) > 0;) {
          write(buffer.subarray(0, read));
        }
      } finally {
        fs.closeSync(source);
      }
    }
    write("]");
  } finally {
    fs.closeSync(fd);
  }
  return { ok: true, file, sizeBytes };
}
