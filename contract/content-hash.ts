// Hashes of JSON documents that do not depend on key order: a flow version's identity (the same
// flow saved twice, or re-imported from YAML after a JSON export, hashes the same) and a cached
// task's key (the same code with the same inputs).
import crypto from "node:crypto";
import type { FlowFile } from "./flow-file/schema.ts";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

export function contentHash(flow: FlowFile): string {
  return sha256(canonicalJson(flow));
}
