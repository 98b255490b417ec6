// How large a request body the server reads — one limit for /api/v1 and tRPC alike — and a
// reader that stops at it. Without one, tRPC read a 57 MB flow whole: the server stalled 3.5 s
// and its memory doubled before the input was even looked at.
import { PipebookError } from "../errors.ts";

// Flow files with many cells are the largest bodies; 10 MB is far beyond any real one. The
// studio's tRPC calls carry the same flow files (save, import), so the same limit fits them.
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function bodyTooLarge(): PipebookError {
  return new PipebookError(
    "payload_too_large",
    `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB, the most this server reads`,
  );
}

/**
 * The request's body as a stream that fails with `refuse()` once more than MAX_BODY_BYTES have
 * come — or at its first read when the declared Content-Length is already over — so a large
 * body is never read whole (and never read at all when its length says so). Null: no body.
 */
export function limitedBody(
  request: Request,
  refuse: () => unknown = bodyTooLarge,
): ReadableStream<Uint8Array> | null {
  if (!request.body) return null;
  const declared = Number(request.headers.get("content-length") ?? "0");
  const reader = request.body.getReader();
  let size = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (declared > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        controller.error(refuse());
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        controller.error(refuse());
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
