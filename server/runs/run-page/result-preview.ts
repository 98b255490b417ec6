// What of a task's result the run page shows at once. A result may be gigabytes of JSON; the
// page gets it whole up to PREVIEW_BYTES, and past that a preview cut to its first items, keys
// and characters, with every cut named by its path — so the viewer can say "… 9,950 more items"
// exactly there and offer the whole value (or its download).
import { childPointer } from "../../../contract/json-pointer.ts";

export const PREVIEW_BYTES = 256 * 1024;
const MAX_ITEMS = 50;
const MAX_KEYS = 50;
const MAX_STRING = 2_000;
const MAX_DEPTH = 8;

export type Cut = {
  /** JSON Pointer of the value that was cut ("" for the root, "/rows/3/name"). */
  path: string;
  /** What is missing: "9950 more items", "120 more keys", "48000 more characters", "deeper values". */
  missing: string;
};

export type ResultPreview =
  | { kind: "none" }
  | { kind: "value"; value: unknown; sizeBytes: number; cuts: Cut[] }
  /** A stored result too large to parse for a preview: its first characters of JSON. */
  | { kind: "text"; head: string; sizeBytes: number };

function cut(value: unknown, path: string, depth: number, cuts: Cut[]): unknown {
  if (typeof value === "string") {
    if (value.length <= MAX_STRING) return value;
    cuts.push({ path, missing: `${value.length - MAX_STRING} more characters` });
    return value.slice(0, MAX_STRING);
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) {
    cuts.push({ path, missing: "deeper values" });
    return Array.isArray(value) ? [] : {};
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) {
      cuts.push({ path, missing: `${value.length - MAX_ITEMS} more items` });
    }
    return value.slice(0, MAX_ITEMS).map((v, i) => cut(v, childPointer(path, i), depth + 1, cuts));
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_KEYS) {
    cuts.push({ path, missing: `${entries.length - MAX_KEYS} more keys` });
  }
  return Object.fromEntries(
    entries.slice(0, MAX_KEYS).map(([k, v]) => [k, cut(v, childPointer(path, k), depth + 1, cuts)]),
  );
}

export function previewResult(value: unknown, sizeBytes: number): ResultPreview {
  if (sizeBytes <= PREVIEW_BYTES) return { kind: "value", value, sizeBytes, cuts: [] };
  const cuts: Cut[] = [];
  return { kind: "value", value: cut(value, "", 0, cuts), sizeBytes, cuts };
}
