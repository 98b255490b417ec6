// Serving the API table from a plain Node HTTP request: what the launcher uses in production.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { log } from "../log.ts";
import { MAX_BODY_BYTES } from "./handler.ts";
import { LOCAL_TRANSFER_PATH } from "../storage/local-store.ts";
import { dispatch } from "./routes.ts";

/** Answers up to this size are sent in one write; larger ones (a stored result) are streamed. */
const BUFFERED_ANSWER_BYTES = 1024 * 1024;

/**
 * The body as bytes: API bodies are small, and a buffer spares the web-stream machinery on every
 * call. Past the API's limit only one byte more is kept, so the handler refuses it (413).
 */
async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1));
}

export async function serveApiRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  // Aborts when the client goes away before the answer is out (long-polls watch this).
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  // An upload to the local storage (up to gigabytes) goes through as a stream, never whole.
  const streamed = hasBody && url.pathname.startsWith(LOCAL_TRANSFER_PATH);
  let buffered: Uint8Array<ArrayBuffer> | undefined;
  if (hasBody && !streamed) {
    try {
      buffered = await readBody(req);
    } catch (error) {
      // The client went away before its body was all sent: nobody is left to answer.
      if (controller.signal.aborted || req.destroyed) return;
      throw error;
    }
  }
  const request = new Request(url, {
    method: req.method,
    headers,
    body: streamed ? (Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>) : buffered,
    signal: controller.signal,
    ...(streamed ? { duplex: "half" } : {}),
  } as RequestInit);
  let response: Response;
  try {
    response = await dispatch(request);
  } catch (error) {
    log.error("the API failed to answer", error);
    response = new Response(
      JSON.stringify({ error: { code: "internal", message: "the server failed" } }),
      { status: 500 },
    );
  }
  if (res.destroyed) return;
  const outHeaders: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") outHeaders[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) outHeaders["set-cookie"] = cookies;
  res.writeHead(response.status, outHeaders);
  if (req.method === "HEAD" || !response.body) {
    res.end();
  } else if (Number(response.headers.get("content-length") ?? Infinity) <= BUFFERED_ANSWER_BYTES) {
    res.end(Buffer.from(await response.arrayBuffer()));
  } else {
    // No length: a stream (a log download), written as it is produced, stopped if the client
    // goes away.
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res).catch(
      () => undefined,
    );
  }
}
