// The artifacts record: files an attempt uploaded (../artifacts.ts), recorded on its run.
import * as z from "zod";
import { ArtifactNameSchema, ContentTypeSchema, MAX_ARTIFACTS_PER_ATTEMPT } from "../artifacts.ts";
import { MAX_MAP_ITEMS } from "./common.ts";
import { StoredResultSchema } from "./results.ts";

/**
 * The artifacts an attempt left in $PIPEBOOK_ARTIFACTS, each uploaded through /storage/upload
 * (with `artifact`) first: recorded in one request when the attempt ends. Sent again after a lost
 * answer, it records nothing twice (an artifact is one per task, item, attempt and name).
 */
export const ArtifactsRecordRequestSchema = z.strictObject({
  leaseId: z.uuid(),
  task: z.string().min(1).max(200),
  item: z.int().min(0).max(MAX_MAP_ITEMS).optional(),
  attempt: z.int().min(1),
  artifacts: z
    .array(
      z.strictObject({
        name: ArtifactNameSchema,
        contentType: ContentTypeSchema,
        stored: StoredResultSchema,
      }),
    )
    .min(1)
    .max(MAX_ARTIFACTS_PER_ATTEMPT),
});
export type ArtifactsRecordRequest = z.infer<typeof ArtifactsRecordRequestSchema>;
export const ArtifactsRecordResponseSchema = z.object({ recorded: z.int().min(0) });
