// Recording the artifacts an attempt uploaded (the agent protocol's artifacts record): each was
// put in the run's storage through an upload URL the server made (server/storage/transfers.ts),
// so the record may only name keys of that run, task and attempt, in the run's own storage.
import type { ArtifactsRecordRequest } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { artifactKey } from "../storage/object-store.ts";
import { heldRun } from "../storage/transfers.ts";

export async function recordArtifacts(
  db: Db,
  flowRunId: string,
  request: ArtifactsRecordRequest,
): Promise<{ recorded: number }> {
  const storage = await heldRun(db, flowRunId, request.leaseId);
  // The key's prefix for this attempt: what artifactKey makes, without its random part.
  const prefix = artifactKey(flowRunId, request.task, request.attempt, request.item, "");
  const names = new Set<string>();
  for (const artifact of request.artifacts) {
    if (artifact.stored.storage !== storage || !artifact.stored.key.startsWith(prefix)) {
      throw new PipebookError(
        "bad_request",
        `artifact "${artifact.name}" was not uploaded for task "${request.task}" attempt ${request.attempt} of this run`,
      );
    }
    if (names.has(artifact.name)) {
      throw new PipebookError("bad_request", `artifact "${artifact.name}" is named twice`);
    }
    names.add(artifact.name);
  }
  const { count } = await db.artifact.createMany({
    data: request.artifacts.map((artifact) => ({
      flowRunId,
      task: request.task,
      mapIndex: request.item ?? -1,
      attempt: request.attempt,
      name: artifact.name,
      sizeBytes: artifact.stored.sizeBytes,
      contentType: artifact.contentType,
      storageId: storage,
      storageKey: artifact.stored.key,
    })),
    skipDuplicates: true,
  });
  return { recorded: count };
}
