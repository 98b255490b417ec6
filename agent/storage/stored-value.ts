// A task result that lives in storage rather than in the agent's memory: its reference, and the
// file on this machine that holds it once written or downloaded. Results maps and task inputs hold
// these in place of the value; only the kernel that runs a task reads the file.
import fs from "node:fs";
import type { StoredResult } from "../../contract/agent-protocol.ts";

export class StoredValue {
  constructor(
    readonly ref: StoredResult,
    /** The JSON on this machine, when it is here already. */
    public file?: string,
  ) {}

  /** What a cache key sees of it: the stored object, not its bytes. */
  toJSON(): unknown {
    return { $stored: this.ref.key };
  }
}

export function isStored(value: unknown): value is StoredValue {
  return value instanceof StoredValue;
}

/** The value itself, read into memory: for the few consumers that need it whole (a map's lists). */
export function materialise(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
}
