// An attempt's artifacts: the regular files it left in its $PIPEBOOK_ARTIFACTS folder, uploaded
// one by one through the run's storage (upload URLs from the server, as for large results; the
// agent holds no storage credentials) and then recorded in one request. Symbolic links are not
// followed: a task must not make the agent upload a file outside its folder.
import fs from "node:fs";
import path from "node:path";
import {
  contentTypeOf,
  MAX_ARTIFACT_BYTES,
  MAX_ARTIFACTS_PER_ATTEMPT,
} from "../../contract/artifacts.ts";
import type { ArtifactsRecordRequest } from "../../contract/agent-protocol.ts";
import type { RunStorage } from "./run-storage.ts";
import { uploadFile } from "./transfer-file.ts";

export type ArtifactFile = { name: string; file: string; sizeBytes: number };

/** The files below `dir` (names with "/"), by name; what is skipped, and why, in `skipped`. */
export function collectArtifacts(dir: string): { files: ArtifactFile[]; skipped: string[] } {
  const files: ArtifactFile[] = [];
  const skipped: string[] = [];
  const walk = (folder: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // No folder: the attempt left nothing.
    }
    for (const entry of entries) {
      const name = prefix + entry.name;
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file, `${name}/`);
      else if (!entry.isFile()) skipped.push(`${name} (not a regular file)`);
      else {
        const sizeBytes = fs.lstatSync(file).size;
        if (sizeBytes > MAX_ARTIFACT_BYTES) {
          skipped.push(`${name} (${(sizeBytes / 2 ** 20).toFixed(0)} MB; at most 1024 MB)`);
        } else files.push({ name, file, sizeBytes });
      }
    }
  };
  walk(dir, "");
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const extra of files.splice(MAX_ARTIFACTS_PER_ATTEMPT)) {
    skipped.push(`${extra.name} (over ${MAX_ARTIFACTS_PER_ATTEMPT} artifacts an attempt)`);
  }
  return { files, skipped };
}

/**
 * Uploads and records an attempt's artifacts. Never fails the task: what could not be uploaded is
 * returned as lines for the task's log (a report that failed to arrive should not fail work done).
 */
export async function uploadArtifacts(
  storage: RunStorage,
  where: { task: string; attempt: number; item?: number },
  dir: string,
): Promise<{ uploaded: number; problems: string[] }> {
  const { files, skipped } = collectArtifacts(dir);
  const problems = skipped.map((what) => `artifact not uploaded: ${what}`);
  const done: ArtifactsRecordRequest["artifacts"] = [];
  for (const artifact of files) {
    const contentType = contentTypeOf(artifact.name);
    const target = await storage.api.storageUpload(storage.flowRunId, {
      leaseId: storage.leaseId,
      ...where,
      sizeBytes: artifact.sizeBytes,
      artifact: { contentType },
    });
    if (!target.ok) {
      problems.push(`artifact ${artifact.name} not uploaded: ${target.error}`);
      continue;
    }
    const url = new URL(target.data.url, storage.api.baseUrl);
    const sent = await uploadFile(url, target.data.headers, artifact.file, artifact.sizeBytes);
    if (!sent.ok) {
      problems.push(`artifact ${artifact.name} not uploaded to ${url.host}: ${sent.error}`);
      continue;
    }
    done.push({ name: artifact.name, contentType, stored: target.data.stored });
  }
  if (done.length === 0) return { uploaded: 0, problems };
  const recorded = await storage.api.recordArtifacts(storage.flowRunId, {
    leaseId: storage.leaseId,
    ...where,
    artifacts: done,
  });
  if (!recorded.ok) {
    problems.push(`${done.length} artifact(s) uploaded but not recorded: ${recorded.error}`);
    return { uploaded: 0, problems };
  }
  return { uploaded: done.length, problems };
}
