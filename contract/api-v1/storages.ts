// /api/v1/storages: named places for large results (issue 13, "Storage blocks"). The server's
// local folder is built in and always listed as `local`; the others are S3-compatible buckets.
// Credentials go in on create and are kept as secrets (server/secrets/): no answer carries them.
import * as z from "zod";
import { isoTime } from "./common.ts";

export const LOCAL_STORAGE = "local";
export const STORAGE_KINDS = ["local", "s3"] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export const StorageNameSchema = z
  .string()
  .min(1, "a storage name may not be empty")
  .max(63, "a storage name is at most 63 characters")
  .regex(
    /^[a-z][a-z0-9-]*$/,
    "a storage name starts with a lowercase letter and holds only lowercase letters, digits and - (e.g. s3-results)",
  );

const endpointSchema = z
  .string()
  .max(500)
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.pathname === "/";
      } catch {
        return false;
      }
    },
    {
      message:
        "the endpoint is an http(s) URL with no path, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000",
    },
  );

export const CreateStorageRequestSchema = z.strictObject({
  name: StorageNameSchema.refine((name) => name !== LOCAL_STORAGE, {
    message: `"${LOCAL_STORAGE}" is the built-in storage (the server's data folder); choose another name`,
  }),
  kind: z.literal("s3", {
    error: `only "s3" storages can be created; the local folder is built in as "${LOCAL_STORAGE}"`,
  }),
  /** Omit for AWS itself; set for MinIO, R2, s3rver and other S3-compatible servers. */
  endpoint: endpointSchema.optional(),
  region: z.string().min(1).max(64).default("us-east-1"),
  bucket: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "a bucket name is 3-63 lowercase letters, digits, dots and hyphens",
    ),
  /** Keys start with this (e.g. `pipebook/`); a trailing / is added when missing. */
  prefix: z
    .string()
    .max(200)
    .regex(/^[^\\/][^\\]*$|^$/, "a prefix does not start with / and holds no backslash")
    .default(""),
  /** Path-style addressing (http://host/bucket/key), which MinIO and s3rver need. */
  forcePathStyle: z.boolean().default(false),
  accessKeyId: z.string().min(1, "the access key id may not be empty").max(256),
  secretAccessKey: z.string().min(1, "the secret access key may not be empty").max(1024),
  /** Check the bucket can be reached with these credentials before saving (default true). */
  verify: z.boolean().default(true),
});
export type CreateStorageRequest = z.input<typeof CreateStorageRequestSchema>;

export const StorageSchema = z.object({
  name: z.string(),
  kind: z.enum(STORAGE_KINDS),
  /** The local folder: built in, always present, cannot be removed. */
  builtIn: z.boolean(),
  endpoint: z.string().nullable(),
  region: z.string().nullable(),
  bucket: z.string().nullable(),
  prefix: z.string(),
  forcePathStyle: z.boolean(),
  /** The secrets holding its credentials (names only; values are never returned). */
  credentialSecrets: z.array(z.string()),
  /** Deployments that put their results here. */
  deployments: z.int(),
  /** Results kept here. */
  results: z.int(),
  createdAt: isoTime.nullable(),
});
export type Storage = z.infer<typeof StorageSchema>;

export const ListStoragesResponseSchema = z.object({ storages: z.array(StorageSchema) });
export const StorageNameParamsSchema = z.object({
  name: z.string().describe("The storage's name"),
});
