// A run's way to its storage: the agent asks the server for a transfer URL (the agent holds no
// storage credentials), then streams the file. Downloads are kept in the run's folder and made
// once per key however many tasks read them.
import fs from "node:fs";
import path from "node:path";
import type { StoredResult } from "../../contract/agent-protocol.ts";
import type { AgentApi } from "../http/client.ts";
import { StoredValue } from "./stored-value.ts";
import { downloadFile, uploadFile } from "./transfer-file.ts";

export type Stored<T> = { ok: true; value: T } | { ok: false; error: string };

export class RunStorage {
  private downloads = new Map<string, Promise<Stored<string>>>();
  private count = 0;

  constructor(
    readonly api: Pick<
      AgentApi,
      "storageUpload" | "storageDownload" | "recordArtifacts" | "baseUrl"
    >,
    readonly flowRunId: string,
    readonly leaseId: string,
    /** Where downloaded results are kept (the run's folder, removed with it). */
    private readonly dir: string,
  ) {}

  /** A file in the run's folder for a task to write its large result to. */
  resultFile(task: string): string {
    fs.mkdirSync(this.dir, { recursive: true });
    return path.join(this.dir, `${task}.${++this.count}.result.json`);
  }

  async upload(
    where: { task: string; attempt: number; item?: number },
    file: string,
    sizeBytes: number,
  ): Promise<Stored<StoredValue>> {
    const target = await this.api.storageUpload(this.flowRunId, {
      leaseId: this.leaseId,
      ...where,
      sizeBytes,
    });
    if (!target.ok) return { ok: false, error: `the server gave no upload URL: ${target.error}` };
    const url = new URL(target.data.url, this.api.baseUrl);
    const sent = await uploadFile(url, target.data.headers, file, sizeBytes);
    if (!sent.ok) return { ok: false, error: `uploading to ${url.host} failed: ${sent.error}` };
    return { ok: true, value: new StoredValue(target.data.stored, file) };
  }

  /** The stored result's file on this machine, downloaded the first time it is asked for. */
  fileOf(value: StoredValue): Promise<Stored<string>> {
    if (value.file && fs.existsSync(value.file))
      return Promise.resolve({ ok: true, value: value.file });
    let pending = this.downloads.get(value.ref.key);
    if (!pending) {
      pending = this.download(value.ref);
      this.downloads.set(value.ref.key, pending);
    }
    return pending.then((got) => {
      if (got.ok) value.file = got.value;
      else this.downloads.delete(value.ref.key);
      return got;
    });
  }

  private async download(ref: StoredResult): Promise<Stored<string>> {
    const target = await this.api.storageDownload(this.flowRunId, {
      leaseId: this.leaseId,
      storage: ref.storage,
      key: ref.key,
    });
    if (!target.ok) return { ok: false, error: `the server gave no download URL: ${target.error}` };
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `in.${++this.count}.json`);
    const url = new URL(target.data.url, this.api.baseUrl);
    const got = await downloadFile(url, target.data.headers, file);
    return got.ok
      ? { ok: true, value: file }
      : { ok: false, error: `downloading from ${url.host} failed: ${got.error}` };
  }
}
