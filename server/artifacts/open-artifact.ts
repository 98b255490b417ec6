// One artifact's bytes, streamed from its storage (never held in the server's memory), with the
// headers that make a download of user content safe to open from the studio's origin.
import type { Readable } from "node:stream";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { storeOf } from "../storage/storages.ts";

export type OpenedArtifact = {
  name: string;
  sizeBytes: number;
  contentType: string;
  stream: Readable;
};

export async function openArtifact(
  db: Db,
  flowRunId: string,
  artifactId: string,
): Promise<OpenedArtifact> {
  const row =
    isUuid(flowRunId) && isUuid(artifactId)
      ? await db.artifact.findFirst({ where: { id: artifactId, flowRunId } })
      : null;
  if (!row) {
    const run = isUuid(flowRunId)
      ? await db.flowRun.findUnique({ where: { id: flowRunId }, select: { id: true } })
      : null;
    if (!run) throw new NotFoundError("flow run", flowRunId);
    throw new NotFoundError(`artifact of flow run ${flowRunId}`, artifactId);
  }
  const stream = await (await storeOf(db, row.storageId)).read(row.storageKey);
  return { name: row.name, sizeBytes: row.sizeBytes, contentType: row.contentType, stream };
}

/**
 * An artifact is whatever a task wrote — HTML with scripts included — and it is served from the
 * studio's own origin: always a download (attachment), never sniffed into another type, and, were
 * a browser to render it anyway, in a sandbox (no scripts, a unique origin, no cookies).
 */
export function artifactHeaders(artifact: Omit<OpenedArtifact, "stream">): Record<string, string> {
  const file = artifact.name.split("/").pop() ?? "artifact";
  const ascii = file.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return {
    "content-type": artifact.contentType,
    "content-length": String(artifact.sizeBytes),
    "content-disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox",
    "cache-control": "private, no-store",
  };
}
