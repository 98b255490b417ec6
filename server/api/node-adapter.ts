// Serving the API table from a plain Node HTTP request: what the launcher uses in production.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { log } from "../log.ts";
import { dispatch } from "./routes.ts";

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
  const request = new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    signal: controller.signal,
    // @ts-expect-error — Node's fetch needs this for a streamed body; the DOM types lack it.
    duplex: "half",
  });
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
  const body = req.method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, outHeaders);
  res.end(body);
}
