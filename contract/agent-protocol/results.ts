// Where task results live: small ones inline in reports and the database, large ones in a
// storage the agent reaches through short-lived transfers, never with the storage's
// credentials; and the cache lookup that hands back earlier runs' results.
import * as z from "zod";
import { ContentTypeSchema } from "../artifacts.ts";
import { MAX_MAP_ITEMS } from "./common.ts";

/**
 * A result up to this size (as JSON) travels in the report and lives in the database; a larger
 * one is uploaded by the agent to the run's storage and only referenced (`stored`).
 */
export const INLINE_RESULT_BYTES = 256 * 1024;

/**
 * A result kept in a storage rather than the database: which storage (null: the server's local
 * folder), its key there, and its size as JSON. The agent fetches it through
 * /storage/download; it never holds the storage's credentials.
 */
export const StoredResultSchema = z.object({
  storage: z.uuid().nullable(),
  key: z.string().min(1).max(1024),
  sizeBytes: z.int().min(0),
});
export type StoredResult = z.infer<typeof StoredResultSchema>;

// ---------------------------------------------------------------- cache

export const CacheLookupRequestSchema = z.strictObject({
  leaseId: z.uuid(),
  keys: z.array(z.string().max(200)).min(1).max(1000),
});
export const CacheLookupResponseSchema = z.object({
  /**
   * No hit at all for a run started with "refresh caches". `source`: the task run that made the
   * result (absent from older servers); the agent names it when it reports the task Cached.
   * `stored`: a large result, in storage.
   */
  hits: z.record(
    z.string(),
    z.object({
      result: z.unknown(),
      source: z.uuid().optional(),
      stored: StoredResultSchema.optional(),
    }),
  ),
});

// ---------------------------------------------------------------- storage

/**
 * Where to send a large result: a short-lived URL (pre-signed for S3; the server's own streaming
 * endpoint for the local folder) and the headers to send with it. A relative URL is on the server.
 */
export const StorageTransferSchema = z.object({
  url: z.string(),
  headers: z.record(z.string(), z.string()),
});
export type StorageTransfer = z.infer<typeof StorageTransferSchema>;

export const StorageUploadRequestSchema = z.strictObject({
  leaseId: z.uuid(),
  task: z.string().min(1).max(200),
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  attempt: z.int().min(0),
  /** The file's size: the URL is good for exactly this many bytes. */
  sizeBytes: z.int().min(0),
  /** An artifact's upload (../artifacts.ts) rather than a large result's: its own key, its type. */
  artifact: z.strictObject({ contentType: ContentTypeSchema }).optional(),
});
export const StorageUploadResponseSchema = StorageTransferSchema.extend({
  /** What to report once the upload succeeded. */
  stored: StoredResultSchema,
});
export type StorageUpload = z.infer<typeof StorageUploadResponseSchema>;

export const StorageDownloadRequestSchema = z.strictObject({
  leaseId: z.uuid(),
  storage: z.uuid().nullable(),
  key: z.string().min(1).max(1024),
});
export const StorageDownloadResponseSchema = StorageTransferSchema;
