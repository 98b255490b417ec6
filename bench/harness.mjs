// The benchmark's moving parts: a real server (embedded PGlite, or PostgreSQL with
// BENCH_DATABASE_URL) and real agents, started as a user would start them.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const KEY = "bench-bootstrap-key-0123456789abcdef";

export const now = () => performance.timeOrigin + performance.now();

/** A duration for the printed table. */
export const ms = (x) => `${x.toFixed(1)} ms`;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function waitForOutput(child, pattern, label, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`${label} did not start:\n${output}`)),
      timeoutMs,
    );
    const onExit = (code) => reject(new Error(`${label} exited (${code}):\n${output}`));
    const onData = (chunk) => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        // Stop collecting: a busy agent logs a line per run, and re-reading an ever longer
        // output cost the bench's own CPU. The pipes keep flowing (unread output is dropped).
        child.stdout.off("data", onData);
        child.stderr.off("data", onData);
        child.off("exit", onExit);
        resolve(match);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited (at once if it had). */
export async function stopProcess(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * A fresh PostgreSQL database `pipebook_<name>_<pid>` on the local server (or BENCH_POSTGRES_URL's);
 * `drop()` removes it, connections and all.
 */
export async function freshPostgresDatabase(name) {
  const adminUrl =
    process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const database = `pipebook_${name}_${process.pid}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}"`);
  // BENCH_LOG_SQL=1: PostgreSQL logs every statement of this database with its duration (to its
  // own log; bench/sql-log-summary.mjs counts them by statement).
  if (process.env.BENCH_LOG_SQL) {
    await admin(`ALTER DATABASE "${database}" SET log_min_duration_statement = 0`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
  };
}

/**
 * A server on a fresh data folder — or on `options.home`, kept when it stops (a workload that
 * writes the database directly between two servers) — and `options.databaseUrl` if given.
 */
export async function startServer(options = {}) {
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-bench-"));
  const databaseUrl = options.databaseUrl ?? process.env.BENCH_DATABASE_URL;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...cpuProfile("servers"),
      path.join(root, "bin/pipebook-server.mjs"),
      "--port",
      String(port),
      "--no-build",
    ],
    {
      env: {
        ...process.env,
        PIPEBOOK_HOME: home,
        PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
        PIPEBOOK_LOCAL_AGENT: "0",
        PIPEBOOK_LOG_LEVEL: "warn",
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let url;
  try {
    [, url] = await waitForOutput(child, /Pipebook is ready: (\S+)/, "the server");
  } catch (error) {
    child.kill("SIGKILL");
    if (!options.home) fs.rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    home,
    pid: child.pid,
    async stop() {
      await stopProcess(child, 30_000);
      if (!options.home) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** An agent process; its `workDir` (a temp folder) is the caller's to remove. */
// BENCH_CPU_PROF=<dir>: each server and agent writes a V8 CPU profile to <dir>/servers or
// <dir>/agents when it stops (open one in Chrome's DevTools, or sum them all with
// bench/cpu-profile-summary.mjs); NODE_OPTIONS refuses --cpu-prof, so it is a flag of the spawn.
function cpuProfile(kind) {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(dir, kind)}`] : [];
}

export async function startAgent(url, queue, options = {}) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-bench-agent-"));
  const child = spawn(
    process.execPath,
    [...cpuProfile("agents"), path.join(root, "dist/pipebook-agent.mjs"), "start", "--api-url", url, "--queue", queue,
      "--concurrency", String(options.concurrency ?? 1),
      ...(options.tags ? ["--tags", options.tags.join(",")] : []),
      ...(options.args ?? []),
      "--work-dir", workDir],
    {
      env: { ...process.env, ...options.env, PIPEBOOK_API_KEY: KEY },
      stdio: ["ignore", "pipe", "pipe"],
    },
  ); // prettier-ignore
  child.workDir = workDir;
  try {
    await waitForOutput(child, /connected to/, "the agent");
  } catch (error) {
    child.kill("SIGKILL");
    fs.rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  return child;
}

export function client(url) {
  const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
  const call = async (method, p, body) => {
    const response = await fetch(`${url}${p}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${p}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    call,
    async deploy(flow, queue) {
      await call("POST", "/api/v1/flows", flow);
      return (
        await call("POST", "/api/v1/deployments", {
          flow: flow.name,
          name: "bench",
          workQueue: queue,
        })
      ).id;
    },
    trigger: async (deployment) =>
      (await call("POST", `/api/v1/deployments/${deployment}/runs`, { parameters: {} })).id,
    wait: (id) => call("GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`),
    get: (id) => call("GET", `/api/v1/flow-runs/${id}`),
    setSecret: (name, value) => call("PUT", `/api/v1/secrets/${name}`, { value }),
  };
}

export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, min: sorted[0], p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}

/** Starts recording the page's frame intervals (requestAnimationFrame); `stopFrames` returns them. */
export const startFrames = (page) =>
  page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    window.__stopFrames = false;
    requestAnimationFrame(tick);
  });

export const stopFrames = (page) =>
  page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(1);
  });
