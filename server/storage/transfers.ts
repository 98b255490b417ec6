// The two transfers agents ask for (contract/agent-protocol/results.ts): where to upload a large
// result of a run they hold, and where to download a stored result their run reads. Both are
// fenced by the run's lease; the answer is a short-lived URL, never a credential. Artifacts take
// the same path with keys of their own (server/artifacts/record-artifacts.ts records them).
import crypto from "node:crypto";
import type * as z from "zod";
import type {
  StorageDownloadRequestSchema,
  StorageTransfer,
  StorageUpload,
  StorageUploadRequestSchema,
} from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { MAX_ARTIFACT_BYTES } from "../../contract/artifacts.ts";
import { artifactKey, resultKey, runPrefix } from "./object-store.ts";
import { chooseStorage } from "./storage-choice.ts";
import { storeOf } from "./storages.ts";

type UploadRequest = z.output<typeof StorageUploadRequestSchema>;
type DownloadRequest = z.output<typeof StorageDownloadRequestSchema>;

/** The run's storage (storage-choice.ts: its deployment's, else its flow's, else local), under this lease. */
export async function heldRun(db: Db, flowRunId: string, leaseId: string): Promise<string | null> {
  const run = isUuid(flowRunId)
    ? await db.flowRun.findUnique({
        where: { id: flowRunId },
        select: {
          leaseId: true,
          deployment: { select: { storageId: true, storageFollowsFlow: true } },
          flow: { select: { storageId: true } },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", flowRunId);
  if (run.leaseId !== leaseId) {
    throw new PipebookError(
      "lease_lost",
      `flow run ${flowRunId} is no longer held under this lease`,
    );
  }
  return chooseStorage({ deployment: run.deployment, flow: run.flow }).storageId;
}

export async function uploadTarget(
  db: Db,
  flowRunId: string,
  request: UploadRequest,
): Promise<StorageUpload> {
  const storage = await heldRun(db, flowRunId, request.leaseId);
  const random = crypto.randomBytes(12).toString("hex");
  const { task, attempt, item, artifact } = request;
  if (artifact && request.sizeBytes > MAX_ARTIFACT_BYTES) {
    throw new PipebookError(
      "payload_too_large",
      `an artifact is at most ${MAX_ARTIFACT_BYTES / 1024 / 1024} MB; this one is ${(request.sizeBytes / 1024 / 1024).toFixed(0)} MB`,
    );
  }
  const key = artifact
    ? artifactKey(flowRunId, task, attempt, item, random)
    : resultKey(flowRunId, task, attempt, item, random);
  const store = await storeOf(db, storage);
  const target = await store.uploadTarget(key, request.sizeBytes, artifact?.contentType);
  return { ...target, stored: { storage, key, sizeBytes: request.sizeBytes } };
}

export async function downloadTarget(
  db: Db,
  flowRunId: string,
  request: DownloadRequest,
): Promise<StorageTransfer> {
  await heldRun(db, flowRunId, request.leaseId);
  // Its own run's objects, or a stored result of any run it was handed (a reused or cached one):
  // keys hold 96 random bits, so knowing one is being handed it.
  const own = request.key.startsWith(runPrefix(flowRunId));
  if (!own) {
    const known = await db.result.findFirst({
      where: { storageKey: request.key, storageId: request.storage },
      select: { id: true },
    });
    if (!known) throw new NotFoundError("stored result", request.key);
  }
  return (await storeOf(db, request.storage)).downloadTarget(request.key);
}
