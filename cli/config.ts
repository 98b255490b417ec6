// The CLI's settings: flags first, then the environment, then — for a server on this machine —
// the admin key that the server wrote to its data folder on first start.
import fs from "node:fs";
import path from "node:path";

export type CliConfig = {
  apiUrl: string;
  apiKey?: string;
  /** Where the key came from, or — when none was found — where the CLI looked. */
  keySource: string;
  found: boolean;
};

export const DEFAULT_API_URL = "http://127.0.0.1:4200";

function isLocal(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  } catch {
    return false;
  }
}

/**
 * The admin key files a server on this machine may have written: PIPEBOOK_HOME's when set, else
 * .pipebook/admin-api-key in this folder and each parent (the CLI is often run from a
 * subfolder of the project, as git is).
 */
export function adminKeyCandidates(cwd: string, home: string | undefined): string[] {
  if (home) return [path.resolve(cwd, home, "admin-api-key")];
  const files: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    files.push(path.join(dir, ".pipebook", "admin-api-key"));
    if (path.dirname(dir) === dir) return files;
  }
}

export function loadCliConfig(
  flags: { apiUrl?: string; apiKey?: string },
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): CliConfig {
  const apiUrl = (flags.apiUrl ?? env.PIPEBOOK_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, "");
  if (flags.apiKey) return { apiUrl, apiKey: flags.apiKey, keySource: "--api-key", found: true };
  if (env.PIPEBOOK_API_KEY) {
    return { apiUrl, apiKey: env.PIPEBOOK_API_KEY, keySource: "PIPEBOOK_API_KEY", found: true };
  }
  if (!isLocal(apiUrl)) {
    return {
      apiUrl,
      keySource: `no --api-key or PIPEBOOK_API_KEY was given (the admin key file is only read for a server on this machine)`,
      found: false,
    };
  }
  const candidates = adminKeyCandidates(cwd, env.PIPEBOOK_HOME);
  for (const file of candidates) {
    try {
      const key = fs.readFileSync(file, "utf8").trim();
      if (key) return { apiUrl, apiKey: key, keySource: file, found: true };
    } catch {
      // Not here: look in the parent folder.
    }
  }
  const shown =
    candidates.length > 3
      ? `${candidates.slice(0, 2).join(", ")}, … ${candidates.at(-1)}`
      : candidates.join(", ");
  return {
    apiUrl,
    keySource: `no --api-key or PIPEBOOK_API_KEY was given, and no admin key file was found (looked for ${shown})`,
    found: false,
  };
}
