// The CLI's HTTP client for /api/v1. Every answer is checked against the contract's schema, and
// every outcome comes back as { ok, data } or { ok: false, error } with a sentence for a person.
import type * as z from "zod";
import { ApiErrorSchema, type ApiError } from "../contract/api-v1.ts";
import type { CliConfig } from "./config.ts";

export type Failure = { ok: false; error: string; status?: number; body?: ApiError };
export type Result<T> = { ok: true; data: T } | Failure;

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: string;
  contentType?: string;
  query?: Record<string, string | undefined>;
};

export class ApiClient {
  constructor(private readonly config: CliConfig) {}

  async request<T>(
    path: string,
    schema: z.ZodType<T>,
    options: RequestOptions = {},
  ): Promise<Result<T>> {
    const url = new URL(`${this.config.apiUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    if (options.body !== undefined)
      headers["content-type"] = options.contentType ?? "application/json";
    let response: Response;
    try {
      response = await fetch(url, { method: options.method ?? "GET", headers, body: options.body });
    } catch (error) {
      return this.unreachable(error);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return {
        ok: false,
        status: response.status,
        error: `the server answered HTTP ${response.status} with something that is not JSON`,
      };
    }
    if (!response.ok) return this.refusal(response.status, body);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      return {
        ok: false,
        status: response.status,
        error: `unexpected answer from the server: ${parsed.error.message}`,
      };
    }
    return { ok: true, data: parsed.data };
  }

  /** A GET whose answer is a file: the response, its body unread, when the server says 2xx. */
  async download(path: string): Promise<Result<Response>> {
    const headers: Record<string, string> = {};
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let response: Response;
    try {
      response = await fetch(`${this.config.apiUrl}${path}`, { headers });
    } catch (error) {
      return this.unreachable(error);
    }
    if (response.ok) return { ok: true, data: response };
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      body = undefined;
    }
    return this.refusal(response.status, body);
  }

  private unreachable(error: unknown): Failure {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      error: `could not reach the Pipebook server at ${this.config.apiUrl}${cause ? ` (${cause})` : ""}: is it running? (set --api-url or PIPEBOOK_API_URL)`,
    };
  }

  private refusal(status: number, body: unknown): Failure {
    const parsed = ApiErrorSchema.safeParse(body);
    let message = parsed.success ? parsed.data.error.message : `HTTP ${status}`;
    if (status === 401 && !this.config.found) {
      message += `: ${this.config.keySource}; pass --api-key or set PIPEBOOK_API_KEY`;
    }
    return { ok: false, status, error: message, body: parsed.data };
  }

  post<T>(path: string, schema: z.ZodType<T>, body: unknown): Promise<Result<T>> {
    return this.request(path, schema, { method: "POST", body: JSON.stringify(body) });
  }
}
