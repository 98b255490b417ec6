// The CLI's settings: flags first, then the environment, then — for a server on this machine —
// the admin key that the server wrote to its data folder on first start.
import fs from "node:fs";
import path from "node:path";

export type CliConfig = { apiUrl: string; apiKey?: string; keySource: string };

export const DEFAULT_API_URL = "http://127.0.0.1:4200";

function isLocal(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

export function loadCliConfig(
  flags: { apiUrl?: string; apiKey?: string },
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): CliConfig {
  const apiUrl = (flags.apiUrl ?? env.PIPEBOOK_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, "");
  if (flags.apiKey) return { apiUrl, apiKey: flags.apiKey, keySource: "--api-key" };
  if (env.PIPEBOOK_API_KEY) {
    return { apiUrl, apiKey: env.PIPEBOOK_API_KEY, keySource: "PIPEBOOK_API_KEY" };
  }
  if (isLocal(apiUrl)) {
    const file = path.resolve(cwd, env.PIPEBOOK_HOME ?? ".pipebook", "admin-api-key");
    try {
      const key = fs.readFileSync(file, "utf8").trim();
      if (key) return { apiUrl, apiKey: key, keySource: file };
    } catch {
      // No local key: the request will say that a key is needed.
    }
  }
  return { apiUrl, keySource: "none" };
}
