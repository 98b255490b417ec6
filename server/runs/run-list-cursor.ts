// The runs list's page cursor: the (scheduledAt, id) of the last row of a page, opaque to
// callers (base64url of JSON), so the order's keys can change without breaking their scripts.
import { PipebookError } from "../errors.ts";
import { isUuid } from "../db/ids.ts";

export type RunListPosition = { scheduledAt: Date; id: string };

export function encodeRunListCursor(position: RunListPosition): string {
  return Buffer.from(JSON.stringify([position.scheduledAt.toISOString(), position.id])).toString(
    "base64url",
  );
}

export function decodeRunListCursor(cursor: string): RunListPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = null;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 2 &&
    typeof decoded[0] === "string" &&
    typeof decoded[1] === "string" &&
    isUuid(decoded[1]) &&
    !Number.isNaN(Date.parse(decoded[0]))
  ) {
    return { scheduledAt: new Date(decoded[0]), id: decoded[1] };
  }
  throw new PipebookError(
    "bad_request",
    "the cursor is not one this server gave: pass `next` of an earlier answer (with the same filters)",
  );
}
