// The embedded database's first start runs in a child process (server/db/pglite-init-main.ts,
// which says why: the 660–780 MB peak of initdb would otherwise stay resident in the server). Later
// starts open the existing folder in the server itself: a child would add ~1.5 s to every start
// and the server then applies pending migrations (an upgrade) itself.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type FirstStartResult = "created" | "exists" | "no-bundle";

/** Whether `dataDir` already holds a PostgreSQL data folder (initdb writes PG_VERSION). */
export function hasDataFolder(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, "PG_VERSION"));
}

/**
 * Creates and migrates the data folder in a child process when it does not exist yet. Without
 * the bundle (a checkout that never ran `npm ci` or `npm run build`) the server does it itself.
 */
export async function createPgliteInChild(options: {
  dataDir: string;
  migrationsDir: string;
  bundle: string;
  log: (line: string) => void;
}): Promise<FirstStartResult> {
  if (hasDataFolder(options.dataDir)) return "exists";
  if (!fs.existsSync(options.bundle)) return "no-bundle";
  const child = spawn(
    process.execPath,
    // Liftoff only (V8's baseline wasm compiler; see bin/pipebook-server.mjs) is faster here
    // as well: initdb and the migrations took 11.9 s instead of 15.1 s, peaking at 660 MB
    // instead of 780 MB (measured on this 2-core machine, busy).
    ["--liftoff-only", options.bundle, options.dataDir, options.migrationsDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let errors = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n").filter(Boolean)) options.log(line);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (c) => resolve(c));
  });
  if (code !== 0) {
    throw new Error(
      `could not create the embedded database in ${options.dataDir}: ${errors.trim() || `exit code ${code}`}`,
    );
  }
  return "created";
}
