#!/usr/bin/env node
// `npm run bench`: the engineering targets of the agents issue, measured on this machine with a
// real server, a real agent and real task processes. Prints the figures; docs/benchmarks.md
// records them with this command. Workloads reproduce Windmill's published benchmark shapes.
//   npm run bench                     all workloads on the embedded PGlite
//   BENCH_DATABASE_URL=postgresql://… npm run bench     on PostgreSQL
//   npm run bench -- light dispatch   only some workloads: light, long, dispatch, crash, studio,
//                                     run-page, logs, logs-secret, runs-list, scheduler, slots,
//                                     mapped, mapped-page, dask, deps
import { spawnSync } from "node:child_process";
import { client, ms, now, startAgent, startServer, stats } from "./harness.mjs";
import { daskRows } from "./dask.mjs";
import { depsRows } from "./deps.mjs";
import { benchLogsPage } from "./logs-page.mjs";
import { mappedRows } from "./mapped.mjs";
import { benchLogSecrets, benchLogs } from "./logs.mjs";
import { mappedPageRows } from "./mapped-page.mjs";
import { runPageRows } from "./run-page.mjs";
import { runsListRows } from "./runs-list.mjs";
import { schedulerRows } from "./scheduler.mjs";
import { benchSlots } from "./slots.mjs";
import { studioRows } from "./studio.mjs";

const FIBO_TS =
  "function fibo(n: number): number {\n  return n < 2 ? n : fibo(n - 1) + fibo(n - 2);\n}\n";
const FIBO_PY = "def fibo(n):\n    return n if n < 2 else fibo(n - 1) + fibo(n - 2)\n";
const chain = (name, count, task) => ({
  name,
  tasks: Array.from({ length: count }, (_, i) => ({
    name: `t${i}`,
    dependsOn: i ? [`t${i - 1}`] : [],
    ...task,
  })),
});

const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

console.log("Building (when sources changed)…");
// The agent bundle too: the bench runs dist/pipebook-agent.mjs, as a user would.
spawnSync(process.execPath, ["scripts/build-bundles.mjs"], { stdio: "inherit" });
spawnSync(process.execPath, ["bin/pipebook-server.mjs", "--build"], { stdio: "inherit" });
const server = await startServer();
const api = client(server.url);
let agent = await startAgent(server.url, "bench");
const results = [];

async function triggerToCompleted(deployment, repeat) {
  const client = [];
  const server = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = now();
    const id = await api.trigger(deployment);
    const run = await api.wait(id);
    const t1 = now();
    if (run.state !== "Completed") throw new Error(`run ${id} ended ${run.state}`);
    client.push(t1 - t0);
    server.push(Date.parse(run.endedAt) - Date.parse(run.createdAt));
  }
  return { client: stats(client), server: stats(server) };
}

try {
  // Warm-up: the first runs compile the server's routes and start the kernels.
  const warm = await api.deploy(
    chain("bench-warm", 2, { language: "python", code: "def main():\n    return 1\n" }),
    "bench",
  );
  const warmTs = await api.deploy(
    chain("bench-warm-ts", 2, { language: "typescript", code: "export default () => 1;\n" }),
    "bench",
  );
  for (let i = 0; i < 5; i++) {
    await api.wait(await api.trigger(warm));
    await api.wait(await api.trigger(warmTs));
  }

  if (wanted("light")) {
    const ts = await api.deploy(
      chain("bench-40-light-ts", 40, {
        language: "typescript",
        code: `${FIBO_TS}export default function main() {\n  return fibo(10);\n}\n`,
      }),
      "bench",
    );
    const py = await api.deploy(
      chain("bench-40-light-py", 40, {
        language: "python",
        code: `${FIBO_PY}\ndef main():\n    return fibo(10)\n`,
      }),
      "bench",
    );
    for (const [label, deployment, target] of [
      ["40 light, TypeScript", ts, 150],
      ["40 light, Python", py, 250],
    ]) {
      const r = await triggerToCompleted(deployment, 20);
      results.push([
        label,
        `p50 ${ms(r.client.p50)}, p95 ${ms(r.client.p95)} (server-recorded p50 ${ms(r.server.p50)})`,
        `≤ ${target} ms`,
        r.client.p50 <= target,
      ]);
    }
  }

  if (wanted("long")) {
    const long = await api.deploy(
      chain("bench-10-long", 10, {
        language: "python",
        code: `${FIBO_PY}\ndef main():\n    return fibo(33)\n`,
      }),
      "bench",
    );
    const bareScript = `import time\n${FIBO_PY}\nt = time.perf_counter()\nfor _ in range(10):\n    fibo(33)\nprint(time.perf_counter() - t)\n`;
    // CPU-bound timings on this VM vary by ±5 % from run to run: interleave the two and compare
    // the best of five each (the usual way to take the machine's noise out of a compute benchmark).
    const bare = [];
    const piped = [];
    for (let i = 0; i < 5; i++) {
      bare.push(
        Number(spawnSync("python3", ["-c", bareScript], { encoding: "utf8" }).stdout.trim()) * 1000,
      );
      piped.push((await triggerToCompleted(long, 1)).client.p50);
    }
    const b = stats(bare);
    const p = stats(piped);
    const overhead = ((p.min - b.min) / b.min) * 100;
    const medianOverhead = ((p.p50 - b.p50) / b.p50) * 100;
    results.push([
      "10 long (fibo(33) × 10, Python)",
      `best ${(p.min / 1000).toFixed(2)} s vs bare python3 ${(b.min / 1000).toFixed(2)} s: ${overhead >= 0 ? "+" : ""}${overhead.toFixed(1)} % (medians: ${medianOverhead >= 0 ? "+" : ""}${medianOverhead.toFixed(1)} %)`,
      "within 3 %",
      overhead <= 3,
    ]);
  }

  if (wanted("dispatch")) {
    for (const [label, task, scale] of [
      [
        "Python",
        { language: "python", code: "import time\ndef main():\n    return time.time()\n" },
        1000,
      ],
      [
        "TypeScript",
        {
          language: "typescript",
          code: "export default () => performance.timeOrigin + performance.now();\n",
        },
        1,
      ],
    ]) {
      const deployment = await api.deploy(
        chain(`bench-dispatch-${label.toLowerCase()}`, 1, task),
        "bench",
      );
      const samples = [];
      for (let i = 0; i < 100; i++) {
        // An idle agent: the previous run's last report and the agent's next claim are settled.
        await new Promise((r) => setTimeout(r, 100));
        const t0 = now();
        const run = await api.wait(await api.trigger(deployment));
        samples.push(run.taskRuns[0].result * scale - t0);
      }
      const s = stats(samples);
      results.push([
        `dispatch, ${label} (trigger → task code starts, 100 triggers)`,
        `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}`,
        "p50 ≤ 10 ms, p95 ≤ 30 ms",
        s.p50 <= 10 && s.p95 <= 30,
      ]);
    }
  }

  if (wanted("crash")) {
    const sleeper = await api.deploy(
      chain("bench-crash", 1, { language: "shell", code: "sleep 120" }),
      "bench",
    );
    for (const [label, signal] of [
      ["SIGKILL", "SIGKILL"],
      ["SIGSTOP (frozen, connections open)", "SIGSTOP"],
    ]) {
      const samples = [];
      for (let i = 0; i < 3; i++) {
        const id = await api.trigger(sleeper);
        while ((await api.get(id)).state !== "Running") await new Promise((r) => setTimeout(r, 20));
        // A random moment in the heartbeat cycle, as in real life.
        await new Promise((r) => setTimeout(r, Math.random() * 5_000));
        const t0 = now();
        agent.kill(signal);
        let run = await api.wait(id);
        while (run.state !== "Crashed") run = await api.wait(id);
        samples.push(now() - t0);
        agent.kill("SIGKILL");
        agent = await startAgent(server.url, "bench");
      }
      const s = stats(samples);
      results.push([
        `crash detection, agent ${label}`,
        `max ${(s.max / 1000).toFixed(1)} s (runs: ${samples.map((x) => (x / 1000).toFixed(1)).join(", ")} s)`,
        "≤ 15 s",
        s.max <= 15_000,
      ]);
    }
  }
  if (wanted("studio")) results.push(...(await studioRows(server.url, api)));
  if (wanted("run-page")) results.push(...(await runPageRows(server.url)));
  if (wanted("mapped-page")) results.push(...(await mappedPageRows(server.url)));
  if (wanted("scheduler")) results.push(...(await schedulerRows()));
  if (wanted("dask")) results.push(...(await daskRows(server.url, api)));
  if (wanted("mapped")) results.push(...(await mappedRows(api)));
  if (wanted("deps")) results.push(...(await depsRows(server.url, api)));
  if (wanted("slots")) {
    const s = await benchSlots();
    results.push([
      `concurrency slot handoff: a run ends → the next waiting run claimed (tag limit 1, 2 agents, ${s.handoff.n} handoffs${s.overlaps ? `, ${s.overlaps} OVER THE LIMIT` : ""})`,
      `p50 ${ms(s.handoff.p50)}, p95 ${ms(s.handoff.p95)}, max ${ms(s.handoff.max)}`,
      "p95 ≤ 100 ms",
      s.handoff.p95 <= 100 && s.overlaps === 0,
    ]);
    results.push([
      "dispatch, TypeScript, no limit on the server (one-statement claim; 50 triggers)",
      `p50 ${ms(s.unlimited.p50)}, p95 ${ms(s.unlimited.p95)}`,
      "p50 ≤ 10 ms, p95 ≤ 30 ms",
      s.unlimited.p50 <= 10 && s.unlimited.p95 <= 30,
    ]);
    results.push([
      "dispatch, TypeScript, a limit elsewhere on the server (serialized claim; 50 triggers)",
      `p50 ${ms(s.underLimits.p50)}, p95 ${ms(s.underLimits.p95)}`,
      "p50 ≤ 10 ms, p95 ≤ 30 ms",
      s.underLimits.p50 <= 10 && s.underLimits.p95 <= 30,
    ]);
  }
  if (wanted("logs")) {
    const logs = await benchLogs(server.url, api);
    for (const [label, r] of [
      ["Python", logs.python],
      ["TypeScript", logs.typescript],
    ]) {
      results.push([
        `logs: ingestion, one agent, a ${label} task printing ${r.lines.toLocaleString("en")} lines (first printed → last stored; count and order checked)`,
        `${Math.round(r.rate).toLocaleString("en")} lines/s (${r.seconds.toFixed(1)} s)`,
        "≥ 50,000 lines/s",
        r.rate >= 50_000,
      ]);
    }
    const ui = await benchLogsPage(server.url, logs.python.id, {
      total: logs.python.total,
      rare: String(Math.floor(logs.python.lines * 0.777)),
      common: "12",
    });
    for (const [label, s, target] of [
      ["first lines painted (navigation to its logs → line 1)", ui.first, 1_000],
      ["jump to the end (Last line → its last line)", ui.end, 1_000],
      ["search, rare term (Enter → the match highlighted)", ui.rare, 1_000],
      ["search, common term (Enter → the first match highlighted)", ui.common, 1_000],
    ]) {
      results.push([
        `log viewer, ${logs.python.lines.toLocaleString("en")}-line run: ${label}`,
        `p50 ${ms(s.p50)}, max ${ms(s.max)}`,
        `≤ ${target / 1000} s`,
        s.max <= target,
      ]);
    }
    results.push([
      `log viewer: frames while scrolling through it (3 s continuous, 60 jumps; ${ui.frames.n} frames)`,
      `p50 ${ms(ui.frames.p50)}, p95 ${ms(ui.frames.p95)}, max ${ms(ui.frames.max)}`,
      "p95 ≤ 50 ms",
      ui.frames.p95 <= 50,
    ]);
    for (const [label, s] of Object.entries(logs.reads)) {
      const download = label.startsWith("the whole download");
      results.push([
        `logs: ${label} on that run, through the API`,
        `p50 ${ms(s.p50)}, max ${ms(s.max)}`,
        download ? "streamed" : "≤ 1 s",
        download || s.max <= 1_000,
      ]);
    }
  }
  if (only.includes("logs-secret")) {
    const { plain, masked } = await benchLogSecrets(server.url, api);
    for (const [label, runs] of [
      ["declaring no secret", plain],
      ["declaring a secret (every line checked by agent and server)", masked],
    ]) {
      results.push([
        `logs: ingestion, a Python task ${label}, ${runs[0].lines.toLocaleString("en")} lines`,
        runs.map((r) => `${Math.round(r.rate).toLocaleString("en")} lines/s`).join(", "),
        "≥ 50,000 lines/s",
        runs.every((r) => r.rate >= 50_000),
      ]);
    }
  }
  if (wanted("runs-list")) results.push(...(await runsListRows()));
} finally {
  agent.kill("SIGKILL");
  await server.stop();
}

const database = process.env.BENCH_DATABASE_URL ? "PostgreSQL" : "embedded PGlite";
console.log(
  `\nPipebook benchmarks (${database}; Node ${process.version}; ${(await import("node:os")).cpus().length} cores)\n`,
);
for (const [label, figure, target, ok] of results) {
  console.log(`${ok ? "ok  " : "MISS"}  ${label}: ${figure}   [target ${target}]`);
}
