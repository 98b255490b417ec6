// `npm run bench:memory`: the resident memory of an idle server, as a user on a small VM sees it
// (docs/benchmarks.md, "Memory"). For each database it starts a real server on a fresh data
// folder (first start: the embedded database is created and migrated), waits for it to settle,
// loads one studio page and one API page, waits again and reads the RSS; then stops it and starts
// it again on the same folder (restart). No local agent: its process is not the server's.
//
//   npm run bench:memory                  # PGlite and PostgreSQL (127.0.0.1:5432, or BENCH_POSTGRES_URL)
//   npm run bench:memory -- pglite        # one of them
//   PIPEBOOK_WASM_TIER_UP=1 npm run bench:memory -- pglite   # without the Liftoff-only default
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { KEY, startServer } from "./harness.mjs";

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const kinds = process.argv.slice(2).length ? process.argv.slice(2) : ["pglite", "postgres"];

/** The RSS of a process and all its descendants (a re-executed server is the launcher's child). */
function treeRss(pid) {
  let kb = 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    let children = "";
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.split(" ").filter(Boolean)) kb += treeRss(Number(child)) * 1024;
  }
  return kb / 1024;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (x) => `${x.toFixed(0)} MB`;

async function measure(label, options) {
  const started = performance.now();
  const server = await startServer(options);
  const readyS = (performance.now() - started) / 1000;
  await sleep(SETTLE_MS);
  const ready = treeRss(server.pid);
  // What a user does next: opens the studio and the API answers a call.
  await fetch(`${server.url}/login`).then((r) => r.text());
  await fetch(`${server.url}/api/v1/flows`, { headers: { authorization: `Bearer ${KEY}` } }).then(
    (r) => r.text(),
  );
  await sleep(SETTLE_MS);
  const used = treeRss(server.pid);
  await server.stop();
  console.log(
    `${label.padEnd(26)} ready in ${readyS.toFixed(1).padStart(5)} s   idle ${mb(ready).padStart(7)}   after first requests ${mb(used).padStart(7)}`,
  );
  return { ready, used };
}

for (const kind of kinds) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-bench-memory-"));
  let databaseUrl;
  const database = `pipebook_bench_memory_${process.pid}`;
  if (kind === "postgres") {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  } else if (kind !== "pglite") {
    throw new Error(`unknown database "${kind}" (pglite or postgres)`);
  }
  try {
    await measure(`${kind}, first start`, { home, databaseUrl: databaseUrl ?? "" });
    await measure(`${kind}, restart`, { home, databaseUrl: databaseUrl ?? "" });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    if (kind === "postgres") {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  }
}
