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
import { KEY, freshPostgresDatabase, startServer } from "./harness.mjs";
import { treeRss } from "./proc-sampler.mjs";

const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 10_000);
const kinds = process.argv.slice(2).length ? process.argv.slice(2) : ["pglite", "postgres"];

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
  let database;
  if (kind === "postgres") database = await freshPostgresDatabase("bench_memory");
  else if (kind !== "pglite") throw new Error(`unknown database "${kind}" (pglite or postgres)`);
  const databaseUrl = database?.url;
  try {
    await measure(`${kind}, first start`, { home, databaseUrl: databaseUrl ?? "" });
    await measure(`${kind}, restart`, { home, databaseUrl: databaseUrl ?? "" });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    await database?.drop();
  }
}
