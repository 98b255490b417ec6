// The Dask runner (issue 12): 200 items that each sleep 0.5 s on a local cluster of 2 workers ×
// 2 threads (the compute floor is 200 × 0.5 s / 4 threads = 25 s), through Pipebook — a flow
// with `map`, deployed with runner dask, run by a real agent — and the same work submitted
// straight to the same cluster with `client.map` from one Python process, measured side by side
// (alternating, three times each) in the same run. Needs a Python with `distributed`
// (BENCH_DASK_PYTHON, default Debian's /usr/bin/python3 with python3-distributed).
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import { now, startAgent, stats, waitForOutput } from "./harness.mjs";

const PYTHON = process.env.BENCH_DASK_PYTHON ?? "/usr/bin/python3";
const ITEMS = 200;
const SLEEP = 0.5;
const ROUNDS = 3;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startCluster() {
  const port = await freePort();
  const children = [];
  const python = (args) => {
    const child = spawn(PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    return child;
  };
  const scheduler = python([
    "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", String(port), "--no-dashboard",
  ]); // prettier-ignore
  await waitForOutput(scheduler, /Scheduler at:/, "the Dask scheduler", 60_000);
  const address = `tcp://127.0.0.1:${port}`;
  for (let i = 0; i < 2; i++) {
    const worker = python([
      "-m", "distributed.cli.dask_worker", address, "--nthreads", "2", "--no-dashboard", "--no-nanny",
    ]); // prettier-ignore
    await waitForOutput(worker, /Start worker at:/, "a Dask worker", 60_000);
  }
  return {
    address,
    stop: () => {
      for (const child of children.reverse()) child.kill("SIGKILL");
    },
  };
}

const DIRECT = `
import sys, time
from distributed import Client
def work(item):
    time.sleep(${SLEEP})
    return item
client = Client(sys.argv[1])
t0 = time.time()
futures = client.map(work, range(${ITEMS}), pure=False)
results = client.gather(futures)
t1 = time.time()
assert results == list(range(${ITEMS}))
print((t1 - t0) * 1000)
client.close()
`;

function direct(address) {
  const run = spawnSync(PYTHON, ["-c", DIRECT, address], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`client.map failed: ${run.stderr}`);
  return Number(run.stdout.trim().split("\n").at(-1));
}

export async function benchDask(url, api) {
  const probe = spawnSync(PYTHON, ["-c", "import distributed"], { encoding: "utf8" });
  if (probe.status !== 0) {
    return { skipped: `${PYTHON} cannot import distributed (apt-get install python3-distributed)` };
  }
  const cluster = await startCluster();
  const agent = await startAgent(url, "dask-bench", { args: ["--python", PYTHON] });
  try {
    const flow = {
      name: "dask-bench",
      parameters: {
        type: "object",
        properties: { items: { type: "array", items: { type: "integer" } } },
      },
      tasks: [
        {
          name: "work",
          language: "python",
          map: "items",
          code: `import time\ndef main(items):\n    time.sleep(${SLEEP})\n    return items\n`,
        },
      ],
    };
    await api.call("POST", "/api/v1/flows", flow);
    const { id: deployment } = await api.call("POST", "/api/v1/deployments", {
      flow: flow.name,
      name: "bench",
      workQueue: "dask-bench",
      runner: "dask",
      daskScheduler: cluster.address,
    });
    const items = Array.from({ length: ITEMS }, (_, i) => i);
    const pipebook = [];
    const straight = [];
    for (let round = 0; round < ROUNDS; round++) {
      straight.push(direct(cluster.address));
      const t0 = now();
      const { id } = await api.call("POST", `/api/v1/deployments/${deployment}/runs`, {
        parameters: { items },
      });
      let run = await api.call("GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`);
      while (!["Completed", "Failed", "Cancelled", "Crashed"].includes(run.state)) {
        run = await api.call("GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`);
      }
      pipebook.push(now() - t0);
      if (run.state !== "Completed") throw new Error(`dask bench run ${id} ended ${run.state}`);
      const result = run.taskRuns.find((t) => t.name === "work").result;
      if (JSON.stringify(result) !== JSON.stringify(items)) {
        throw new Error("dask bench: the items' results are not the items in order");
      }
    }
    const p = stats(pipebook);
    const d = stats(straight);
    return { pipebook: p, direct: d, ratio: p.p50 / d.p50 };
  } finally {
    agent.kill("SIGTERM");
    cluster.stop();
  }
}

/** The rows `npm run bench` prints for this workload: [label, figure, target, met]. */
export async function daskRows(url, api) {
  const rows = [];
  const d = await benchDask(url, api);
  if (d.skipped) console.log(`dask: skipped — ${d.skipped}`);
  else {
    const s = (x) => `${(x / 1000).toFixed(2)} s`;
    rows.push([
      `dask runner: 200 mapped items × sleep 0.5 s, 2 workers × 2 threads, trigger → Completed (floor 25 s; ${d.pipebook.n} runs)`,
      `median ${s(d.pipebook.p50)} (max ${s(d.pipebook.max)})`,
      "≤ 30 s",
      d.pipebook.max <= 30_000,
    ]);
    rows.push([
      "dask runner vs the same work by client.map from one Python process, side by side",
      `client.map median ${s(d.direct.p50)}; Pipebook / client.map = ${d.ratio.toFixed(3)}`,
      "≤ 1.20",
      d.ratio <= 1.2,
    ]);
  }
  return rows;
}
