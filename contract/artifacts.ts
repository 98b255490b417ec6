// Artifacts (issue 13): files a task leaves in $PIPEBOOK_ARTIFACTS (or saves with save_artifact()
// / saveArtifact()), uploaded by the agent to the run's storage when the attempt ends. Names,
// types and limits shared by the agent, the server and the kernels' SDKs (which repeat the limits).
import * as z from "zod";

/** Files one attempt may leave; the agent uploads the first ones (by name) and logs the rest. */
export const MAX_ARTIFACTS_PER_ATTEMPT = 100;
/** One artifact's size: 1 GiB (the size column is a 32-bit integer). */
export const MAX_ARTIFACT_BYTES = 1024 * 1024 * 1024;

/**
 * An artifact's name: its path below $PIPEBOOK_ARTIFACTS with "/" between folders, e.g.
 * `report.html` or `plots/loss.png`. No "." or ".." parts, no backslash, no control characters.
 */
export const ArtifactNameSchema = z
  .string()
  .min(1)
  .max(255, "an artifact's name is at most 255 characters")
  .refine(
    (name) =>
      !/[\u0000-\u001f\u007f\\]/.test(name) &&
      name.split("/").every((part) => part !== "" && part !== "." && part !== ".."),
    { message: 'an artifact\'s name is a relative path without "." or ".." parts' },
  );

export const ContentTypeSchema = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i, "not a media type");

const TYPES: Record<string, string> = {
  html: "text/html",
  htm: "text/html",
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  jsonl: "application/x-ndjson",
  xml: "application/xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tar: "application/x-tar",
  parquet: "application/vnd.apache.parquet",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  webp: "image/webp",
};

/** The type a name's extension says; application/octet-stream when it says nothing known. */
export function contentTypeOf(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  return (ext && TYPES[ext]) ?? "application/octet-stream";
}
