// A flow version's identity: SHA-256 of the normalised flow file written with sorted keys, so
// that the same flow saved twice (or re-imported from YAML after a JSON export) hashes the same.
import crypto from "node:crypto";
import type { FlowFile } from "../../contract/flow-file/schema.ts";

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

export function contentHash(flow: FlowFile): string {
  return crypto.createHash("sha256").update(canonicalJson(flow)).digest("hex");
}
