// An S3-compatible bucket (AWS S3, MinIO, R2, … — tested here against s3rver only) through the
// maintained AWS SDK. The server alone holds the credentials; agents get pre-signed URLs.
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Readable } from "node:stream";
import { PipebookError } from "../errors.ts";
import { TRANSFER_TTL_SECONDS, type ObjectStore } from "./object-store.ts";

export type S3Settings = {
  name: string;
  endpoint: string | null;
  region: string;
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
};

export class S3Store implements ObjectStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      credentials: {
        accessKeyId: settings.accessKeyId,
        secretAccessKey: settings.secretAccessKey,
      },
      // One try: a storage that does not answer should say so at once, not after retries.
      maxAttempts: 1,
    });
  }

  private objectKey(key: string): string {
    return `${this.settings.prefix}${key}`;
  }

  async uploadTarget(key: string, sizeBytes: number, contentType = "application/json") {
    const command = new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
      ContentLength: sizeBytes,
      ContentType: contentType,
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: TRANSFER_TTL_SECONDS });
    return { url, headers: { "content-type": contentType } };
  }

  async delete(keys: string[]) {
    // DeleteObjects takes up to 1,000 keys a request.
    for (let from = 0; from < keys.length; from += 1000) {
      const objects = keys.slice(from, from + 1000).map((key) => ({ Key: this.objectKey(key) }));
      try {
        await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.settings.bucket,
            Delete: { Objects: objects, Quiet: true },
          }),
        );
      } catch (error) {
        throw this.explain(error, `deleting ${objects.length} object(s)`);
      }
    }
  }

  async downloadTarget(key: string) {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: TRANSFER_TTL_SECONDS });
    return { url, headers: {} };
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return answer.Body as Readable;
    } catch (error) {
      throw this.explain(error, `reading ${key}`);
    }
  }

  async check() {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
    } catch (error) {
      throw this.explain(error, `reaching bucket "${this.settings.bucket}"`);
    }
  }

  /** An SDK failure as a message that says which storage, what was tried and what came back. */
  private explain(error: unknown, doing: string): PipebookError {
    const where = `storage "${this.settings.name}" (${this.settings.endpoint ?? `AWS S3, ${this.settings.region}`})`;
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode;
      const hint =
        status === 403
          ? ": the credentials were refused (check the access key id and secret)"
          : status === 404
            ? ": the bucket does not exist"
            : "";
      return new PipebookError(
        "bad_request",
        `${doing} in ${where} failed: ${error.name}${status ? ` (HTTP ${status})` : ""}${error.message && error.message !== error.name ? ` — ${error.message}` : ""}${hint}`,
      );
    }
    const cause = error as { code?: string; message?: string };
    return new PipebookError(
      "bad_request",
      `${doing} in ${where} failed: ${cause.code ?? cause.message ?? String(error)} — is the endpoint right and reachable from the server?`,
    );
  }
}
