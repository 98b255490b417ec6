// Moving a file to or from a transfer URL (pre-signed S3, or the server's local storage) as a
// stream: a 1 GB result never sits in the agent's memory. Plain node:http(s), so the upload
// carries an exact Content-Length (S3 refuses chunked PUTs to pre-signed URLs).
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream/promises";

export type TransferOutcome = { ok: true } | { ok: false; error: string };

function request(
  url: URL,
  method: "PUT" | "GET",
  headers: Record<string, string>,
  signal?: AbortSignal,
): http.ClientRequest {
  const client = url.protocol === "https:" ? https : http;
  return client.request(url, { method, headers, signal });
}

/** What a refusing storage said: S3's XML error (<Code>, <Message>) or the server's JSON error. */
async function refusal(response: http.IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of response) {
    if (text.length < 4096) text += (chunk as Buffer).toString();
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  if (code) return `HTTP ${response.statusCode} ${code}${message ? `: ${message}` : ""}`;
  try {
    const json = JSON.parse(text) as { error?: { message?: string } };
    if (json.error?.message) return `HTTP ${response.statusCode}: ${json.error.message}`;
  } catch {
    // Not JSON: the text itself, cut.
  }
  return `HTTP ${response.statusCode}${text ? `: ${text.slice(0, 300)}` : ""}`;
}

export function uploadFile(
  url: URL,
  headers: Record<string, string>,
  file: string,
  sizeBytes: number,
  signal?: AbortSignal,
): Promise<TransferOutcome> {
  return new Promise((resolve) => {
    const req = request(url, "PUT", { ...headers, "content-length": String(sizeBytes) }, signal);
    req.once("response", (response) => {
      if ((response.statusCode ?? 0) < 300) {
        response.resume();
        response.once("end", () => resolve({ ok: true }));
      } else void refusal(response).then((error) => resolve({ ok: false, error }));
    });
    req.once("error", (error) => resolve({ ok: false, error: error.message }));
    fs.createReadStream(file)
      .once("error", (error) => {
        req.destroy(error);
      })
      .pipe(req);
  });
}

export function downloadFile(
  url: URL,
  headers: Record<string, string>,
  file: string,
  signal?: AbortSignal,
): Promise<TransferOutcome> {
  return new Promise((resolve) => {
    const req = request(url, "GET", headers, signal);
    req.once("response", (response) => {
      if ((response.statusCode ?? 0) >= 300) {
        void refusal(response).then((error) => resolve({ ok: false, error }));
        return;
      }
      pipeline(response, fs.createWriteStream(file)).then(
        () => resolve({ ok: true }),
        (error: Error) => resolve({ ok: false, error: error.message }),
      );
    });
    req.once("error", (error) => resolve({ ok: false, error: error.message }));
    req.end();
  });
}
