// The runs list with 100,000 runs in the database (bench/runs-seed.mjs): GET /api/v1/flow-runs,
// first page and each filter, p50/p95 of several calls; and the runs page in Chromium, from
// navigation to its first rows painted. Its own server and database, so the other workloads'
// runs neither count nor suffer: on PGlite the data folder is written between two servers (one
// process may open it); on PostgreSQL a database of its own next to BENCH_DATABASE_URL's.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { KEY, ms, now, startServer, stats } from "./harness.mjs";
import { SEED_DEPLOYMENTS, seedRunsSql } from "./runs-seed.mjs";

const RUNS = 100_000;
const CALLS = 7;
const DAY = 86_400_000;

/** Query strings of GET /api/v1/flow-runs, as the runs page asks them (100 a page). */
function filters() {
  const at = (ms) => encodeURIComponent(new Date(Date.now() - ms).toISOString());
  return [
    ["first page (no filter)", ""],
    ["state Failed", "state=Failed"],
    ["state Failed + Crashed", "state=Failed,Crashed"],
    ["state Completed", "state=Completed"],
    ["state Late", "state=Late"],
    ["state Paused", "state=Paused"],
    ["flow", "flow=invoices"],
    ["deployment (FLOW/NAME)", "deployment=ml-train/nightly"],
    ["tag on half the runs", "tag=etl"],
    ["tag on 1 % of the runs", "tag=compliance"],
    ["tag no run has", "tag=absent"],
    ["last 24 h", `from=${at(DAY)}`],
    ["one day three weeks ago", `from=${at(21 * DAY)}&until=${at(20 * DAY)}`],
    ["Failed + flow + last 7 days", `state=Failed&flow=orders-etl&from=${at(7 * DAY)}`],
    ["Crashed + tag", "state=Crashed&tag=finance"],
  ];
}

async function call(url, query) {
  const response = await fetch(`${url}/api/v1/flow-runs?limit=100${query ? `&${query}` : ""}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`flow-runs?${query}: ${JSON.stringify(body)}`);
  return body;
}

async function timed(url, query, calls = CALLS) {
  await call(url, query); // warm: the plan, the pages in memory
  const samples = [];
  let body;
  for (let i = 0; i < calls; i++) {
    const t0 = now();
    body = await call(url, query);
    samples.push(now() - t0);
  }
  return { ...stats(samples), body };
}

async function deploy(url) {
  const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
  const post = async (p, body) => {
    const response = await fetch(`${url}${p}`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${p}: ${await response.text()}`);
  };
  for (const flow of new Set(SEED_DEPLOYMENTS.map(([f]) => f))) {
    await post("/api/v1/flows", {
      name: flow,
      tasks: [
        { name: "extract", language: "python", code: "def main():\n    return 1\n" },
        { name: "load", language: "shell", dependsOn: ["extract"], code: "echo $EXTRACT" },
      ],
    });
  }
  for (const [flow, name, workQueue, tags] of SEED_DEPLOYMENTS) {
    await post("/api/v1/deployments", { flow, name, workQueue, tags });
  }
}

/** A server over a database holding the seeded runs; `stop` removes them all. */
export async function seededServer() {
  const base = process.env.BENCH_DATABASE_URL;
  if (base) {
    const admin = new URL(base);
    const name = `${admin.pathname.slice(1) || "postgres"}_runs_list`;
    admin.pathname = "/postgres";
    const dbUrl = new URL(base);
    dbUrl.pathname = `/${name}`;
    const adminClient = new pg.Client({ connectionString: admin.toString() });
    await adminClient.connect();
    await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.query(`CREATE DATABASE "${name}"`);
    const server = await startServer({ databaseUrl: dbUrl.toString() });
    await deploy(server.url);
    const client = new pg.Client({ connectionString: dbUrl.toString() });
    await client.connect();
    const t0 = now();
    await client.query(seedRunsSql(RUNS));
    // What autovacuum does within a minute of such a load; PGlite has no autovacuum.
    await client.query('ANALYZE "FlowRun"');
    const seconds = (now() - t0) / 1000;
    await client.end();
    return {
      url: server.url,
      seconds,
      async stop() {
        await server.stop();
        await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await adminClient.end();
      },
    };
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-bench-runs-"));
  const first = await startServer({ home });
  await deploy(first.url);
  await first.stop();
  const t0 = now();
  const db = await PGlite.create(path.join(home, "db"));
  await db.exec(seedRunsSql(RUNS));
  await db.close();
  const seconds = (now() - t0) / 1000;
  const server = await startServer({ home });
  return {
    url: server.url,
    seconds,
    async stop() {
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Navigation → the first rows of the runs page painted, in Debian's Chromium. */
async function pageLoads(url, paths) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // Signs in as the studio's form does (a link no longer signs in by itself).
    await page.request.post(`${url}/api/auth/session`, { data: { apiKey: KEY } });
    await page.goto(`${url}/flows`);
    const results = [];
    for (const target of paths) {
      const samples = [];
      for (let i = 0; i < 6; i++) {
        await page.goto("about:blank");
        const t0 = now();
        await page.goto(`${url}${target}`, { waitUntil: "commit" });
        await page.locator("tr[data-run]").first().waitFor();
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
        if (i > 0) samples.push(now() - t0); // the first load warms the server and the cache
      }
      results.push([target, stats(samples)]);
    }
    return results;
  } finally {
    await browser.close();
  }
}

export async function benchRunsList() {
  const server = await seededServer();
  try {
    const api = [];
    for (const [label, query] of filters()) {
      const t = await timed(server.url, query);
      api.push({ label, query, ...t, rows: t.body.runs.length });
    }
    const first = await call(server.url, "");
    const cursor = encodeURIComponent(first.next);
    api.push({ label: "second page (cursor)", ...(await timed(server.url, `cursor=${cursor}`)) });
    const studio = await pageLoads(server.url, [
      "/runs",
      "/runs?state=Failed,Crashed&since=7d",
      "/runs?tag=compliance",
    ]);
    const total = Object.values(first.counts).reduce((a, b) => a + b, 0);
    return { seedSeconds: server.seconds, total, api, studio };
  } finally {
    await server.stop();
  }
}

/** The rows `npm run bench` prints for this workload: [label, figure, target, met]. */
export async function runsListRows() {
  const rows = [];
  const r = await benchRunsList();
  console.log(`runs-list: ${r.total} runs seeded in ${r.seedSeconds.toFixed(1)} s`);
  for (const f of r.api) {
    rows.push([
      `runs list API, ${r.total} runs: ${f.label}`,
      `p50 ${ms(f.p50)}, p95 ${ms(f.p95)}`,
      "≤ 500 ms",
      f.p95 <= 500,
    ]);
  }
  for (const [target, s] of r.studio) {
    rows.push([
      `runs page ${target}: navigation → first rows painted`,
      `p50 ${ms(s.p50)}, max ${ms(s.max)}`,
      "none set; reported",
      true,
    ]);
  }
  return rows;
}
