// Reading a stored result on the server: whole (parsed, for values small enough to show as a
// tree), its first characters (the viewer's preview of a huge one), or as a stream (the API's
// download, never held in memory).
import type { Readable } from "node:stream";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { storeOf } from "./storages.ts";

/** Stored results up to this size are parsed and shown as a tree; larger ones as text. */
export const MAX_PARSED_STORED_BYTES = 16 * 1024 * 1024;
/** The text preview of a larger one. */
export const STORED_HEAD_BYTES = 64 * 1024;

export type StoredRef = { storageId: string | null; storageKey: string; sizeBytes: number };

export async function openStored(db: Db, ref: StoredRef): Promise<Readable> {
  return (await storeOf(db, ref.storageId)).read(ref.storageKey);
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function readStoredValue(db: Db, ref: StoredRef): Promise<unknown> {
  if (ref.sizeBytes > MAX_PARSED_STORED_BYTES) {
    throw new PipebookError(
      "payload_too_large",
      `the result is ${(ref.sizeBytes / 1024 / 1024).toFixed(0)} MB of JSON, too large to show whole: download it instead`,
    );
  }
  return JSON.parse(await text(await openStored(db, ref))) as unknown;
}

/** The first characters of a stored result (a cut multi-byte character at the end is dropped). */
export async function readStoredHead(db: Db, ref: StoredRef): Promise<string> {
  const end = Math.min(ref.sizeBytes, STORED_HEAD_BYTES) - 1;
  if (end < 0) return "";
  const store = await storeOf(db, ref.storageId);
  return (await text(await store.read(ref.storageKey, { start: 0, end }))).replace(/\uFFFD$/, "");
}
