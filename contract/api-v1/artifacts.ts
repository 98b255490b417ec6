// /api/v1/flow-runs/{id}/artifacts: the files a run's tasks left (contract/artifacts.ts).
import * as z from "zod";
import { isoTime } from "./common.ts";

export const ArtifactSchema = z.object({
  id: z.string(),
  name: z.string(),
  task: z.string(),
  /** A mapped task's item that wrote it; null for the task itself. */
  item: z.int().nullable(),
  attempt: z.int(),
  sizeBytes: z.int(),
  contentType: z.string(),
  createdAt: isoTime,
  /** Where it downloads (as an attachment): GET on this path. */
  url: z.string(),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

export const ArtifactListSchema = z.object({ artifacts: z.array(ArtifactSchema) });
export type ArtifactList = z.infer<typeof ArtifactListSchema>;
