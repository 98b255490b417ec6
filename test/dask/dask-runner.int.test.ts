// The dask runner end to end: a real server (the API on a real port, on this tier's database), a
// real agent process (the built bundle) and a real Dask cluster — `dask scheduler` and two
// `dask worker` processes of Debian's python3-distributed, one in a network namespace of its own.
// Runs deployed with `runner: dask` execute their Python tasks in the workers' processes, their
// logs arrive, a cancel cancels their futures, and a worker killed mid-run makes its attempts
// fail (WorkerLost) and be retried per the task's retries — never lost, never left Running.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, serveFrom } from "../support/database.ts";
import {
  DASK_PYTHON,
  daskUnavailable,
  startDaskCluster,
  type DaskCluster,
} from "../support/dask-cluster.ts";
import { seedAdminKey, serveHttp, type ServedApi } from "../support/serve-http.ts";
import { uniqueName } from "../support/seed.ts";

const root = path.resolve(import.meta.dirname, "../..");
const unavailable = daskUnavailable();
// Each tier runs in its own process: its own scheduler port.
const PORT = Number(process.env.PIPEBOOK_E2E_PORT_BASE ?? 4500) + 62 + (process.pid % 30);

type Run = {
  id: string;
  state: string;
  taskRuns: { name: string; state: string; attempts: number; result: unknown; error: unknown }[];
};
type Logs = {
  logs: { task: string; attempt: number; level: string; message: string; timestamp: string }[];
};

describe.skipIf(unavailable)("dask runner (server, agent, cluster)", () => {
  const test = freshDatabase();
  serveFrom(test);
  let cluster: DaskCluster;
  let api: ServedApi;
  let agent: ChildProcess;
  let agentOutput = "";
  const queue = uniqueName("dask");
  const markers = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-dask-markers-"));

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ["scripts/build-bundles.mjs"], { cwd: root });
    if (build.status !== 0) throw new Error(`build-bundles failed: ${build.stderr}`);
    cluster = await startDaskCluster({ port: PORT });
    if (cluster.isolation) console.warn(`no network namespace for a worker: ${cluster.isolation}`);
    const key = await seedAdminKey(test.db);
    api = await serveHttp(key);
    agent = spawn(
      process.execPath,
      [
        path.join(root, "dist/pipebook-agent.mjs"),
        "start",
        "--api-url",
        api.url,
        "--queue",
        queue,
        "--python",
        DASK_PYTHON,
        "--isolation",
        "none",
        "--task-concurrency",
        "16",
        "--work-dir",
        fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-dask-agent-")),
      ],
      { env: { ...process.env, PIPEBOOK_API_KEY: key }, stdio: ["ignore", "pipe", "pipe"] },
    );
    agent.stdout!.on("data", (c: Buffer) => (agentOutput += c.toString()));
    agent.stderr!.on("data", (c: Buffer) => (agentOutput += c.toString()));
    for (let i = 0; i < 200 && !agentOutput.includes("connected to"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!agentOutput.includes("connected to")) throw new Error(`no agent:\n${agentOutput}`);
  }, 90_000);

  afterAll(async () => {
    if (agent?.exitCode === null) {
      const exited = new Promise((r) => agent.once("exit", r));
      agent.kill("SIGKILL");
      await exited;
    }
    await api?.close();
    await cluster?.stop();
    fs.rmSync(markers, { recursive: true, force: true });
  });

  async function deployAndRun(
    tasks: Record<string, unknown>[],
    parameters: Record<string, unknown> = {},
  ): Promise<string> {
    const name = uniqueName("dask-flow");
    await api.call("POST", "/api/v1/flows", {
      name,
      parameters: { type: "object", properties: { markers: { type: "string" } } },
      tasks,
    });
    const deployment = await api.call<{ id: string }>("POST", "/api/v1/deployments", {
      flow: name,
      name: "on-dask",
      workQueue: queue,
      runner: "dask",
      daskScheduler: cluster.scheduler,
    });
    const run = await api.call<{ id: string }>(
      "POST",
      `/api/v1/deployments/${deployment.id}/runs`,
      { parameters },
    );
    return run.id;
  }
  const wait = (id: string) => api.call<Run>("GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`);
  /** Markers the tasks write when they start: "<task>.<n>" holding the worker's address. */
  const started = (dir: string) =>
    fs.readdirSync(dir).map((f) => ({
      task: f.split(".")[0]!,
      worker: fs.readFileSync(path.join(dir, f), "utf8"),
    }));
  const STARTS = [
    "import os, time",
    "from distributed import get_worker",
    "def main(markers):",
    "    me = get_worker().address",
    "    name = os.path.join(markers, f'{TASK}.{time.time_ns()}')",
    "    with open(name, 'w') as f:",
    "        f.write(me)",
  ];

  it("runs the Python tasks in the workers' processes; their logs arrive", async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => ({
      name: `where_${i}`,
      language: "python",
      code: [
        "import os, sys, time",
        "from distributed import get_worker",
        "from pipebook import get_logger",
        "def main():",
        `    print('item ${i} here')`,
        "    get_logger().warning('careful')",
        "    time.sleep(0.3)",
        "    return {'pid': os.getpid(), 'worker': get_worker().address}",
      ].join("\n"),
    }));
    const id = await deployAndRun([
      ...tasks,
      {
        name: "total",
        language: "typescript",
        dependsOn: tasks.map((t) => t.name),
        code: "export default function main() { return process.pid; }",
      },
    ]);
    const run = await wait(id);
    expect(run.state, `${JSON.stringify(run.taskRuns)}\n${agentOutput}`).toBe("Completed");
    const pids = cluster.workers.map((w) => w.pid);
    const results = run.taskRuns
      .filter((t) => t.name.startsWith("where_"))
      .map((t) => t.result as { pid: number; worker: string });
    expect(results).toHaveLength(6);
    for (const r of results) expect(pids).toContain(r.pid);
    // Both workers took work, the one in its own network namespace included.
    expect(new Set(results.map((r) => r.worker))).toEqual(
      new Set(cluster.workers.map((w) => w.address)),
    );
    // The TypeScript task ran on the agent.
    expect(pids).not.toContain(run.taskRuns.find((t) => t.name === "total")!.result);
    const { logs } = await api.call<Logs>("GET", `/api/v1/flow-runs/${id}/logs?limit=1000`);
    for (let i = 0; i < 6; i++) {
      expect(logs).toContainEqual(
        expect.objectContaining({ task: `where_${i}`, attempt: 1, level: "info", message: `item ${i} here` }),
      );
      expect(logs).toContainEqual(
        expect.objectContaining({ task: `where_${i}`, level: "warning", message: "careful" }),
      );
    }
  });

  it("a cancel cancels the run's futures: queued attempts never start, the run ends Cancelled", async () => {
    const dir = fs.mkdtempSync(path.join(markers, "cancel-"));
    // 12 attempts of 2 s on 4 threads: 4 start, 8 wait in the cluster's queue.
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      name: `slow_${i}`,
      language: "python",
      code: [...STARTS, "    time.sleep(2)"].join("\n").replace("{TASK}", `slow_${i}`),
    }));
    const id = await deployAndRun(tasks, { markers: dir });
    for (let i = 0; i < 200 && started(dir).length < 4; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(started(dir).length).toBeGreaterThan(0);
    await api.call("POST", `/api/v1/flow-runs/${id}/cancel`);
    const run = await wait(id);
    expect(run.state).toBe("Cancelled");
    expect(run.taskRuns.every((t) => t.state === "Cancelled")).toBe(true);
    // Long enough for the queued attempts to have started, had their futures lived on.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(started(dir).length).toBeLessThanOrEqual(4);
  });

  it("a worker killed mid-run: its attempts fail (WorkerLost) and are retried or failed per retries", async () => {
    const dir = fs.mkdtempSync(path.join(markers, "kill-"));
    const victim = cluster.workers.find((w) => !w.isolated)!;
    // 4 tasks that may retry once, 4 that may not; 3 s each, all at once on the 4 threads.
    const tasks = Array.from({ length: 8 }, (_, i) => ({
      name: `${i < 4 ? "again" : "once"}_${i}`,
      language: "python",
      retries: i < 4 ? 1 : 0,
      code: [...STARTS, "    time.sleep(3)", "    return me"]
        .join("\n")
        .replace("{TASK}", `${i < 4 ? "again" : "once"}_${i}`),
    }));
    const id = await deployAndRun(tasks, { markers: dir });
    for (let i = 0; i < 200; i++) {
      if (started(dir).filter((s) => s.worker === victim.address).length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const onVictim = new Set(
      started(dir)
        .filter((s) => s.worker === victim.address)
        .map((s) => s.task),
    );
    expect(onVictim.size).toBeGreaterThan(0);
    victim.child.kill("SIGKILL");
    const run = await wait(id);
    // Nothing left behind: every task ended, none Running or Pending.
    for (const task of run.taskRuns) expect(["Completed", "Failed"]).toContain(task.state);
    for (const task of run.taskRuns) {
      const killed = onVictim.has(task.name);
      const retries = task.name.startsWith("again") ? 1 : 0;
      if (!killed) {
        expect(task).toMatchObject({ state: "Completed", attempts: 1 });
      } else if (retries) {
        expect(task).toMatchObject({ state: "Completed", attempts: 2 });
        expect(task.result).not.toBe(victim.address);
      } else {
        expect(task).toMatchObject({ state: "Failed", attempts: 1 });
        expect(task.error).toMatchObject({ type: "WorkerLost" });
        expect((task.error as { message: string }).message).toContain(victim.address);
      }
    }
    const anyOnce = [...onVictim].some((t) => t.startsWith("once"));
    expect(run.state).toBe(anyOnce ? "Failed" : "Completed");
  });
});
