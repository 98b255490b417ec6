// One JSON request over node:http(s) with kept-alive connections — the agent's only way to talk
// to the server. Not the global fetch(): touching it loads undici, which costs an idle Node 20
// process ~18 MB of resident memory (measured: a process that made 5 requests idles at 64 MB
// RSS with fetch, 46 MB with node:http), a quarter of what an idle agent held (74 MB against the
// 60 MB target of issue 14). Many agents run on one host, so this is paid many times over.
import http from "node:http";
import https from "node:https";

export type HttpAnswer = { status: number; text: string };

// Kept-alive sockets, as fetch kept them: a report or a claim does not pay a new connection
// (and a TLS handshake) each time. Node closes an idle socket a second before the server's
// `Keep-Alive: timeout` hint, so a reused socket is not one the server is closing.
const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** Thrown on a refused connection, a reset, an abort: `code` says which (ECONNREFUSED, …). */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function httpRequest(
  url: string,
  options: {
    method: "GET" | "POST";
    headers: Record<string, string>;
    body?: string;
    signal: AbortSignal;
  },
): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const headers = { ...options.headers };
  if (options.body !== undefined) {
    headers["content-length"] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const fail = (error: Error & { code?: string }) =>
      reject(new NetworkError(error.message, error.code));
    const request = client.request(
      target,
      {
        method: options.method,
        headers,
        signal: options.signal,
        agent: agents[target.protocol as "http:" | "https:"] ?? undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on("error", fail);
        // A connection lost mid-body ends neither with "end" nor always with "error".
        response.on("aborted", () =>
          fail(Object.assign(new Error("aborted"), { code: "ECONNRESET" })),
        );
      },
    );
    request.on("error", fail);
    request.end(options.body);
  });
}
