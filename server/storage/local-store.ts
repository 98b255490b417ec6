// The built-in storage: files under the server's data folder (`<PIPEBOOK_HOME>/storage/`).
// Agents stream to and from it through the server (/api/v1/storage/local/{token}), so an agent on
// another machine needs nothing but the API. With several server replicas the folder must be
// shared between them (or use an S3 storage).
import fs from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PipebookError } from "../errors.ts";
import type { SecretKey } from "../secrets/crypto.ts";
import { mintLocalToken } from "./local-token.ts";
import { TRANSFER_TTL_SECONDS, type ObjectStore } from "./object-store.ts";

export const LOCAL_TRANSFER_PATH = "/api/v1/storage/local/";

export class LocalStore implements ObjectStore {
  constructor(
    readonly root: string,
    private readonly secretKey: SecretKey,
  ) {}

  /** The file of a key; keys are made by the server, but a key never leaves the folder anyway. */
  fileOf(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep) || key.includes("\0")) {
      throw new PipebookError("bad_request", `storage key ${JSON.stringify(key)} is not valid`);
    }
    return file;
  }

  async uploadTarget(key: string, sizeBytes: number) {
    const token = mintLocalToken(this.secretKey, {
      key,
      method: "PUT",
      sizeBytes,
      expires: Date.now() + TRANSFER_TTL_SECONDS * 1000,
    });
    return { url: `${LOCAL_TRANSFER_PATH}${token}`, headers: {} };
  }

  async downloadTarget(key: string) {
    const token = mintLocalToken(this.secretKey, {
      key,
      method: "GET",
      expires: Date.now() + TRANSFER_TTL_SECONDS * 1000,
    });
    return { url: `${LOCAL_TRANSFER_PATH}${token}`, headers: {} };
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.fileOf(key);
    await fs.promises.access(file).catch(() => {
      throw new PipebookError("not_found", `stored result ${key} is missing from ${this.root}`);
    });
    return fs.createReadStream(file, range);
  }

  async delete(keys: string[]) {
    await Promise.all(keys.map((key) => fs.promises.rm(this.fileOf(key), { force: true })));
  }

  async check() {
    await fs.promises.mkdir(this.root, { recursive: true });
  }

  /**
   * Writes an upload: to a temporary file first, renamed once every byte arrived, so a reader
   * never sees half an object. Refused when the body is not exactly the size the URL was made for.
   */
  async write(key: string, body: AsyncIterable<Uint8Array>, sizeBytes: number): Promise<void> {
    const file = this.fileOf(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const part = `${file}.${process.pid}.part`;
    let received = 0;
    async function* counted() {
      for await (const chunk of body) {
        received += chunk.byteLength;
        if (received > sizeBytes) break;
        yield chunk;
      }
    }
    try {
      await pipeline(counted, fs.createWriteStream(part));
      if (received !== sizeBytes) {
        throw new PipebookError(
          "bad_request",
          `the upload was ${received > sizeBytes ? "larger" : "smaller"} than the ${sizeBytes} bytes this URL takes`,
        );
      }
      await fs.promises.rename(part, file);
    } catch (error) {
      await fs.promises.rm(part, { force: true });
      throw error;
    }
  }
}
