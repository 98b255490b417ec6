#!/usr/bin/env node
// `npm run bench:load`: many agents and several server replicas on this machine under a stream of
// flow runs (10 trivial Python tasks each: t0 → t1…t8 → t9), as issue 14 asks. For each database:
//   1. idle: the servers alone, then with the agents connected (the cost of an idle agent);
//   2. burst: --runs runs triggered as fast as 4 callers can → runs/s, task state changes/s;
//   3. paced: --runs runs at a steady --rate (open loop) → dispatch (trigger → t0's first line);
//   4. idle again: the agents' memory after the load.
// CPU and RSS of every server (with its child processes), agent and agent's task kernels are read
// from /proc every 250 ms. docs/benchmarks.md ("Load") records the figures and how to read them.
//
//   npm run bench:load                                  # PGlite (1 server), then PostgreSQL (2)
//   npm run bench:load -- --db postgres --agents 20 --replicas 2 --runs 300 --rate 20
import fs from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { client, freshPostgresDatabase, startAgent, startServer, stopProcess } from "./harness.mjs";
import { burst, loadFlow, paced, spread, taskStateChanges } from "./load-phases.mjs";
import { postgresPids, startSampler } from "./proc-sampler.mjs";

const { values: opt } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    agents: { type: "string", default: "20" },
    replicas: { type: "string" },
    runs: { type: "string", default: "300" },
    rate: { type: "string" },
    // Flow runs at once per agent. 20 agents × 2 = 40 runs in flight, each running 2 tasks at
    // once (the agent's default task concurrency on 2 cores): enough to keep the servers busy.
    concurrency: { type: "string", default: "2" },
    "idle-seconds": { type: "string", default: "20" },
    // The paced phase runs min(--runs, rate × this) runs: bounded in time whatever the rate.
    "paced-seconds": { type: "string", default: "30" },
  },
  strict: true,
});
const AGENTS = Number(opt.agents);
const RUNS = Number(opt.runs);
const IDLE_S = Number(opt["idle-seconds"]);
const QUEUE = "bench-load";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const started = Date.now();
const log = (line) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const KINDS = opt.db === "both" ? ["pglite", "postgres"] : opt.db.split(",");
const replicasFor = (kind) => Number(opt.replicas ?? (kind === "postgres" ? 2 : 1));
for (const kind of KINDS) {
  if (kind !== "pglite" && kind !== "postgres") throw new Error("--db: pglite, postgres or both");
  if (kind === "pglite" && replicasFor(kind) !== 1) {
    throw new Error("PGlite is embedded in its server: --replicas 1 only");
  }
}
console.log(
  `bench:load  --db ${opt.db} --agents ${AGENTS} --replicas ${opt.replicas ?? "2 on postgres, 1 on pglite"} ` +
    `--runs ${RUNS} --rate ${opt.rate ?? "65 % of the burst's runs/s"} --concurrency ${opt.concurrency} ` +
    `--idle-seconds ${IDLE_S}   (Node ${process.version}, ${os.cpus().length} cores)`,
);

// Undone in reverse order, also on failure and Ctrl-C: agents, sampler, servers, database.
const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    await cleanups
      .pop()()
      .catch((error) => console.error(`cleanup: ${error.message}`));
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the servers and agents`);
    void cleanup().finally(() => process.exit(130));
  });
}

const sum = (list, key) => list.reduce((s, x) => s + x[key], 0);
const max = (list, key) => Math.max(...list.map((x) => x[key]));
const pct = (x) => `${x.toFixed(0)} %`;
const mb = (x) => `${x.toFixed(0)} MB`;
const msf = (x) => `${x.toFixed(1)} ms`;

/** One database: returns the rows of the final table. */
async function benchDatabase(kind) {
  const replicas = replicasFor(kind);
  log(`\n== ${kind}: ${replicas} server(s), ${AGENTS} agents`);
  let databaseUrl = "";
  if (kind === "postgres") {
    const database = await freshPostgresDatabase("bench_load");
    cleanups.push(database.drop);
    databaseUrl = database.url;
  }
  const servers = [];
  // One after the other: the first applies the migrations, the next find them.
  for (let i = 0; i < replicas; i++) {
    const server = await startServer({ databaseUrl });
    cleanups.push(server.stop);
    servers.push(server);
  }
  const apis = servers.map((s) => client(s.url));
  const agents = [];
  // Each PostgreSQL process counted on its own (not its tree: the postmaster's tree holds them all).
  let pg = [];
  const sampler = startSampler({
    server: () => servers.map((s) => s.pid),
    agent: () => agents.map((a) => a.pid),
    postgres: () => pg,
    bench: () => [process.pid],
  });
  cleanups.push(async () => sampler.stop());
  const phase = async (work) => {
    if (kind === "postgres") pg = postgresPids();
    const a = sampler.mark();
    const result = await work();
    return { result, usage: sampler.between(a, sampler.mark()) };
  };

  log("idle: the servers alone, then with the agents connected");
  await sleep(3_000);
  const bare = await phase(() => sleep(IDLE_S * 500));
  cleanups.push(async () => {
    await Promise.all(agents.map((a) => stopProcess(a)));
    for (const a of agents) fs.rmSync(a.workDir, { recursive: true, force: true });
  });
  // In fives: 20 Node processes starting at once would take both cores for seconds.
  for (let i = 0; i < AGENTS; i += 5) {
    const batch = Array.from({ length: Math.min(5, AGENTS - i) }, (_, j) =>
      startAgent(servers[(i + j) % replicas].url, QUEUE, {
        concurrency: Number(opt.concurrency),
      }).then((agent) => agents.push(agent)),
    );
    await Promise.all(batch);
  }
  log(`${agents.length} agents connected`);
  await sleep(5_000);
  const idle = await phase(() => sleep(IDLE_S * 1000));

  const deployment = await apis[0].deploy(loadFlow(`bench-load-${kind}`), QUEUE);
  // Warm-up: every agent starts its Python kernels and the servers compile their hot paths.
  log(`warm-up: ${AGENTS * 3} runs`);
  await burst(apis, deployment, AGENTS * 3, 4);

  log(`burst: ${RUNS} runs as fast as 4 callers trigger them`);
  const b = await phase(() => burst(apis, deployment, RUNS, 4));
  const burstChanges = await taskStateChanges(b.result.entries, b.result.started, b.result.lastEnd);
  log(
    `  ${b.result.runsPerS.toFixed(1)} runs/s, ${(burstChanges / b.result.seconds).toFixed(0)} task state changes/s; ` +
      `server CPU ${pct(sum(b.usage.server, "treeCpu"))}, agents ${pct(sum(b.usage.agent, "treeCpu"))}, machine ${pct(b.usage.machineCpu)}`,
  );
  const rate = Number(opt.rate ?? Math.max(1, Math.round(b.result.runsPerS * 0.65)));
  const pacedRuns = Math.min(RUNS, Math.ceil(rate * Number(opt["paced-seconds"])));
  log(`paced: ${pacedRuns} runs at ${rate} runs/s`);
  const p = await phase(() => paced(apis, deployment, pacedRuns, rate));
  const pacedChanges = await taskStateChanges(p.result.entries, p.result.started, p.result.lastEnd);
  await sleep(5_000);
  const after = await phase(() => sleep(5_000));

  const perS = (n, r) => n / r.seconds;
  const rows = [];
  const row = (label, value, target, ok) => rows.push({ label, value, target, ok });
  const usageRows = (name, u) => {
    const kernels = u.agent.map((a) => ({
      cpu: a.treeCpu - a.cpu,
      rss: a.peakTreeRss - a.peakRss,
    }));
    row(
      `${name}: server CPU (% of one core; per replica)`,
      `${pct(sum(u.server, "treeCpu"))} (${u.server.map((s) => pct(s.treeCpu)).join(" + ")})`,
    );
    row(
      `${name}: agents CPU, all ${AGENTS} (their task kernels apart)`,
      `${pct(sum(u.agent, "cpu"))} (kernels ${pct(sum(kernels, "cpu"))})`,
    );
    if (kind === "postgres") row(`${name}: PostgreSQL CPU`, pct(sum(u.postgres, "cpu")));
    row(
      `${name}: the bench's own CPU; machine busy`,
      `${pct(u.bench[0].cpu)}; ${pct(u.machineCpu)} of ${u.cores * 100} %`,
    );
    row(
      `${name}: agent RSS (mean, max; kernels max per agent)`,
      `${mb(sum(u.agent, "rss") / u.agent.length)}, ${mb(max(u.agent, "peakRss"))}; ${mb(Math.max(...kernels.map((k) => k.rss)))}`,
    );
  };
  const b0 = b.result;
  const p0 = p.result;
  row(
    "burst: runs/s (runs ÷ first trigger → last run's end)",
    `${b0.runsPerS.toFixed(1)} (${RUNS} runs in ${b0.seconds.toFixed(1)} s; triggers took ${b0.triggerSeconds.toFixed(1)} s)`,
  );
  const burstRate = perS(burstChanges, b0);
  row(
    "burst: task state changes/s",
    `${burstRate.toFixed(0)} (${burstChanges} changes)`,
    "≥ 1,000",
    burstRate >= 1000,
  );
  row("burst: trigger → run ended", `p50 ${msf(b0.latency.p50)}, p95 ${msf(b0.latency.p95)}`);
  usageRows("burst", b.usage);
  row(
    `paced: runs/s offered → done (trigger loop max ${msf(p0.behind)} late)`,
    `${rate} → ${p0.runsPerS.toFixed(1)}`,
  );
  row("paced: task state changes/s", perS(pacedChanges, p0).toFixed(0));
  row(
    "paced: dispatch (trigger → t0's first line)",
    `p50 ${msf(p0.dispatch.p50)}, p95 ${msf(p0.dispatch.p95)}, max ${msf(p0.dispatch.max)}`,
    "p95 ≤ 50 ms",
    p0.dispatch.p95 <= 50,
  );
  row("paced: trigger request answered", `p50 ${msf(p0.trigger.p50)}, p95 ${msf(p0.trigger.p95)}`);
  row("paced: trigger → run ended", `p50 ${msf(p0.latency.p50)}, p95 ${msf(p0.latency.p95)}`);
  usageRows("paced", p.usage);
  const peakServer = Math.max(
    max(b.usage.server, "peakTreeRss"),
    max(p.usage.server, "peakTreeRss"),
  );
  row("server RSS under load (peak, any replica)", mb(peakServer), "≤ 400 MB", peakServer <= 400);
  const runs = spread([...b0.runs, ...p0.runs], AGENTS);
  row("runs per agent over both phases (min – max)", `${runs.min} – ${runs.max}`);

  const i = idle.usage;
  const idleMax = Math.max(max(i.agent, "peakRss"), max(after.usage.agent, "peakRss"));
  row(
    "agent RSS idle: before load, after (mean; max of both)",
    `${mb(sum(i.agent, "rss") / AGENTS)}, ${mb(sum(after.usage.agent, "rss") / AGENTS)}; ${mb(idleMax)}`,
    "≤ 60 MB",
    idleMax <= 60,
  );
  row(
    "idle: server RSS (all replicas) without agents → with them",
    `${mb(sum(bare.usage.server, "treeRss"))} → ${mb(sum(i.server, "treeRss"))}`,
  );
  const perAgent = (sum(i.server, "treeCpu") - sum(bare.usage.server, "treeCpu")) / AGENTS;
  row(
    `idle: server CPU without agents → with ${AGENTS} (→ per idle agent)`,
    `${pct(sum(bare.usage.server, "treeCpu"))} → ${pct(sum(i.server, "treeCpu"))} (${perAgent.toFixed(2)} %)`,
  );
  row("idle: agents CPU, all", `${pct(sum(i.agent, "treeCpu"))}`);
  if (kind === "postgres") {
    row(
      "idle: PostgreSQL CPU without agents → with them",
      `${pct(sum(bare.usage.postgres, "cpu"))} → ${pct(sum(i.postgres, "cpu"))}`,
    );
  }
  await cleanup();
  return rows;
}

let failed = false;
const results = [];
try {
  for (const kind of KINDS) {
    results.push([kind, await benchDatabase(kind)]);
  }
} catch (error) {
  failed = true;
  console.error(`\nbench:load failed: ${error.stack ?? error}`);
} finally {
  await cleanup();
}
for (const [kind, rows] of results) {
  console.log(`\n${kind} (${replicasFor(kind)} server(s), ${AGENTS} agents)`);
  for (const { label, value, target, ok } of rows) {
    const mark = ok === undefined ? "    " : ok ? "ok  " : "MISS";
    console.log(`${mark}  ${label}: ${value}${target ? `   [target ${target}]` : ""}`);
  }
}
process.exit(failed ? 1 : 0);
