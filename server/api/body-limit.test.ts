import { describe, expect, it } from "vitest";
import { bodyTooLarge, limitedBody, MAX_BODY_BYTES } from "./body-limit.ts";

const MB = 1024 * 1024;

/** A request whose body is `total` bytes made as they are read; `pulled()` says how many were. */
function streamingRequest(total: number, declare: boolean) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, total - pulled));
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const headers: HeadersInit = declare ? { "content-length": String(total) } : {};
  const request = new Request("http://localhost/x", {
    method: "POST",
    body,
    headers,
    // @ts-expect-error Node's fetch needs it for a streamed body; the DOM types do not know it.
    duplex: "half",
  });
  return { request, pulled: () => pulled };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return size;
    size += value.byteLength;
  }
}

describe("reading a request body no further than the limit", () => {
  it("passes a body under the limit through whole", async () => {
    const { request } = streamingRequest(3 * MB, false);
    expect(await readAll(limitedBody(request)!)).toBe(3 * MB);
  });

  it("refuses a 57 MB body after reading just past the limit, not all of it", async () => {
    const { request, pulled } = streamingRequest(57 * MB, false);
    await expect(readAll(limitedBody(request)!)).rejects.toThrow(bodyTooLarge().message);
    expect(pulled()).toBeGreaterThan(MAX_BODY_BYTES);
    expect(pulled()).toBeLessThan(MAX_BODY_BYTES + 2 * MB);
  });

  it("refuses a body whose declared length is over the limit before reading any of it", async () => {
    const { request, pulled } = streamingRequest(57 * MB, true);
    const refusal = new Error("too large");
    await expect(readAll(limitedBody(request, () => refusal)!)).rejects.toBe(refusal);
    // The stream's own start may have queued a chunk; nothing was read on the limit's behalf.
    expect(pulled()).toBeLessThanOrEqual(64 * 1024);
  });
});
