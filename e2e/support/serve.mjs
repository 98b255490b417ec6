#!/usr/bin/env node
// Starts a real Pipebook server for the end-to-end tests, on a fresh data folder — and, for
// "postgres", a fresh PostgreSQL database — then runs it until Playwright stops it, and cleans up.
// Usage: node e2e/support/serve.mjs pglite|postgres PORT
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const [kind, port] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const home = fs.mkdtempSync(path.join(os.tmpdir(), `pipebook-e2e-${kind}-`));
const adminUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const database = `pipebook_e2e_${process.pid}`;

const env = {
  ...process.env,
  PIPEBOOK_HOME: home,
  PIPEBOOK_BOOTSTRAP_API_KEY: process.env.E2E_API_KEY,
  PIPEBOOK_LOCAL_AGENT: process.env.PIPEBOOK_LOCAL_AGENT ?? "0",
};
if (kind === "postgres") {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  env.DATABASE_URL = url.toString();
}

const server = spawn(
  process.execPath,
  [path.join(root, "bin/pipebook-server.mjs"), "--port", port, "--no-build"],
  {
    env,
    stdio: "inherit",
  },
);

async function cleanup() {
  fs.rmSync(home, { recursive: true, force: true });
  if (kind === "postgres") {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.kill("SIGTERM"));
}
server.on("exit", async (code) => {
  await cleanup().catch((error) => console.error("cleanup failed", error));
  process.exit(code ?? 0);
});
