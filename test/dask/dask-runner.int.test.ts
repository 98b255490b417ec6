// The dask runner end to end: the real server (the API on a real port, on this tier's database),
// a real agent process (the bundle a VM downloads) and a real Dask cluster — `dask scheduler` and
// two `dask worker` processes of Debian's python3-distributed, one in a network namespace of its
// own. Mapped flows deployed with `runner: dask` execute their items in the workers' processes,
// their logs arrive as the items' lines, a cancel cancels their futures, and a worker killed
// mid-run makes its items fail (WorkerLost) and be retried or failed per the task's retries —
// never lost, never left Running.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../support/database.ts";
import {
  DASK_PYTHON,
  daskUnavailable,
  startDaskCluster,
  type DaskCluster,
} from "../support/dask-cluster.ts";
import { liveServer, startLiveAgent, type LiveAgent } from "../support/live-agent.ts";
import { uniqueName } from "../support/seed.ts";
import { inheritedEnv, testSettings } from "../support/test-settings.ts";

const unavailable = daskUnavailable();
// Each tier runs in a process of its own, with a scheduler port of its own.
const PORT = testSettings.portBase + 62 + (process.pid % 30);

type Run = {
  id: string;
  state: string;
  taskRuns: { name: string; state: string; result: unknown }[];
};
type Logs = { logs: { task: string; attempt: number; level: string; message: string }[] };

describe.skipIf(unavailable)("dask runner (server, agent, cluster)", () => {
  const test = freshDatabase();
  const server = liveServer(test);
  let cluster: DaskCluster;
  let agent: LiveAgent;
  const queue = uniqueName("dask");
  const markers = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-dask-markers-"));

  beforeAll(async () => {
    cluster = await startDaskCluster({ port: PORT });
    if (cluster.isolation) console.warn(`no network namespace for a worker: ${cluster.isolation}`);
    agent = startLiveAgent(server, {
      queue,
      args: ["--python", DASK_PYTHON, "--isolation", "none"],
    });
    for (let i = 0; i < 200 && !agent.output().includes("connected to"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!agent.output().includes("connected to")) throw new Error(`no agent:\n${agent.output()}`);
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    await cluster?.stop();
    fs.rmSync(markers, { recursive: true, force: true });
  });

  async function call<T = Record<string, unknown>>(method: string, p: string, body?: unknown) {
    const response = await fetch(`${server.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }
  async function ok<T = Record<string, unknown>>(method: string, p: string, body?: unknown) {
    const answer = await call<T>(method, p, body);
    if (answer.status >= 300) throw new Error(`${method} ${p}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** The real CLI (`npx pipebook …`) against the test's server. */
  function pipebook(args: string[]): Promise<string> {
    return new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        [path.resolve(import.meta.dirname, "../../bin/pipebook.mjs"), ...args],
        {
          env: { ...inheritedEnv(), PIPEBOOK_API_URL: server.url, PIPEBOOK_API_KEY: server.apiKey },
        },
        (error, stdout, stderr) =>
          error ? reject(new Error(`pipebook ${args.join(" ")}: ${stderr}`)) : resolve(stdout),
      ),
    );
  }

  /**
   * Deploys `tasks` (mapped over the parameter `items`) with runner dask — through the API, the
   * CLI's flags or a deployment file given to the CLI — and triggers a run.
   */
  async function deployAndRun(
    tasks: Record<string, unknown>[],
    parameters: { items: number[]; markers?: string },
    via: "api" | "cli" | "file" = "api",
  ): Promise<string> {
    const name = uniqueName("dask-flow");
    const flow = {
      name,
      parameters: {
        type: "object",
        properties: {
          items: { type: "array", items: { type: "integer" } },
          markers: { type: "string" },
        },
      },
      tasks,
    };
    let deployment: { id: string };
    if (via === "api") {
      await ok("POST", "/api/v1/flows", flow);
      deployment = await ok<{ id: string }>("POST", "/api/v1/deployments", {
        flow: name,
        name: "on-dask",
        workQueue: queue,
        runner: "dask",
        daskScheduler: cluster.scheduler,
      });
    } else {
      const dir = fs.mkdtempSync(path.join(markers, "files-"));
      fs.writeFileSync(path.join(dir, "flow.json"), JSON.stringify(flow));
      const file = path.join(dir, "deployment.json");
      fs.writeFileSync(
        file,
        JSON.stringify({
          flow: "./flow.json",
          name: "on-dask",
          workQueue: queue,
          runner: "dask",
          daskScheduler: cluster.scheduler,
        }),
      );
      const args =
        via === "file"
          ? ["deploy", file, "--json"]
          : ["deploy", path.join(dir, "flow.json"), "--name", "on-dask", "--queue", queue,
             "--runner", "dask", "--dask-scheduler", cluster.scheduler, "--json"]; // prettier-ignore
      deployment = JSON.parse(await pipebook(args)) as { id: string };
      const stored = await ok<{ runner: string; daskScheduler: string }>(
        "GET",
        `/api/v1/deployments/${deployment.id}`,
      );
      expect(stored).toMatchObject({ runner: "dask", daskScheduler: cluster.scheduler });
    }
    const run = await ok<{ id: string }>("POST", `/api/v1/deployments/${deployment.id}/runs`, {
      parameters,
    });
    return run.id;
  }
  const wait = (id: string) => ok<Run>("GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`);
  const itemsOf = (id: string) =>
    test.db.taskRun.findMany({
      where: { flowRunId: id, mapIndex: { gte: 0 } },
      orderBy: [{ name: "asc" }, { mapIndex: "asc" }],
      select: { name: true, mapIndex: true, state: true, attempts: true, error: true },
    });
  /** Markers the items write when they start: "<task>.<item>.<ns>" holding the worker's address. */
  const started = (dir: string) =>
    fs.readdirSync(dir).map((f) => ({
      task: f.split(".")[0]!,
      item: Number(f.split(".")[1]),
      worker: fs.readFileSync(path.join(dir, f), "utf8"),
    }));
  const marking = (task: string, then: string[]) =>
    [
      "import os, time",
      "from distributed import get_worker",
      "def main(items, markers):",
      "    me = get_worker().address",
      `    with open(os.path.join(markers, f'${task}.{items}.{time.time_ns()}'), 'w') as f:`,
      "        f.write(me)",
      ...then,
    ].join("\n");

  it("refuses a deployment whose scheduler address is not one, saying what is expected", async () => {
    const answer = await call<{ error: { message: string } }>("POST", "/api/v1/deployments", {
      flow: "whatever",
      name: "bad",
      runner: "dask",
      daskScheduler: "scheduler:8786",
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("expected protocol://host:port");
  });

  it("runs a mapped task's items in the workers' processes; their logs arrive", async () => {
    const id = await deployAndRun(
      [
        {
          name: "work",
          language: "python",
          map: "items",
          code: [
            "import os, time",
            "from distributed import get_worker",
            "from pipebook import get_logger",
            "def main(items):",
            "    print('item', items, 'here')",
            "    get_logger().warning('careful with %d', items)",
            "    time.sleep(0.3)",
            "    return {'item': items, 'pid': os.getpid(), 'worker': get_worker().address}",
          ].join("\n"),
        },
        {
          name: "total",
          language: "typescript",
          dependsOn: ["work"],
          code: "export default function main({ work }: { work: { item: number }[] }) { return { agent: process.pid, order: work.map((w) => w.item) }; }",
        },
      ],
      { items: Array.from({ length: 12 }, (_, i) => i) },
      "cli",
    );
    const run = await wait(id);
    expect(run.state, JSON.stringify(await itemsOf(id)) + agent.output()).toBe("Completed");
    const pids = cluster.workers.map((w) => w.pid);
    const work = run.taskRuns.find((t) => t.name === "work")!.result as {
      item: number;
      pid: number;
      worker: string;
    }[];
    expect(work.map((w) => w.item)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const w of work) expect(pids).toContain(w.pid);
    // Both workers took items, the one in its own network namespace included.
    expect(new Set(work.map((w) => w.worker))).toEqual(
      new Set(cluster.workers.map((w) => w.address)),
    );
    // The TypeScript task ran on the agent, and got the items' results in item order.
    const total = run.taskRuns.find((t) => t.name === "total")!.result as {
      agent: number;
      order: number[];
    };
    expect(pids).not.toContain(total.agent);
    expect(total.order).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const items = await itemsOf(id);
    expect(items.map((i) => [i.state, i.attempts])).toEqual(
      Array.from({ length: 12 }, () => ["Completed", 1]),
    );
    const { logs } = await ok<Logs>("GET", `/api/v1/flow-runs/${id}/logs?limit=1000`);
    for (let i = 0; i < 12; i++) {
      expect(logs).toContainEqual(
        expect.objectContaining({
          task: "work",
          attempt: 1,
          level: "info",
          message: `item ${i} here`,
        }),
      );
      expect(logs).toContainEqual(
        expect.objectContaining({ task: "work", level: "warning", message: `careful with ${i}` }),
      );
    }
    // Each line is stored as its item's own.
    const chunks = await test.db.logChunk.findMany({
      where: { flowRunId: id, taskName: "work" },
      select: { mapIndex: true, messages: true },
    });
    for (const chunk of chunks) {
      for (const message of chunk.messages as string[]) {
        expect(message).toMatch(new RegExp(`(item|with) ${chunk.mapIndex}\\b`));
      }
    }
    expect(new Set(chunks.map((c) => c.mapIndex))).toEqual(new Set(work.map((w) => w.item)));
  });

  it("a cancel cancels the run's futures: queued items never start, the run ends Cancelled", async () => {
    const dir = fs.mkdtempSync(path.join(markers, "cancel-"));
    // 12 items of 2 s on 4 threads: 4 start, the others wait in the cluster.
    const id = await deployAndRun(
      [
        {
          name: "slow",
          language: "python",
          map: "items",
          mapConcurrency: 12,
          code: marking("slow", ["    time.sleep(2)"]),
        },
      ],
      { items: Array.from({ length: 12 }, (_, i) => i), markers: dir },
      "file",
    );
    for (let i = 0; i < 200 && started(dir).length < 4; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(started(dir).length).toBeGreaterThan(0);
    await ok("POST", `/api/v1/flow-runs/${id}/cancel`);
    const run = await wait(id);
    expect(run.state).toBe("Cancelled");
    const items = await itemsOf(id);
    for (const item of items) expect(["Cancelled", "Pending"]).toContain(item.state);
    expect(items.some((i) => i.state === "Running")).toBe(false);
    // Long enough for the queued items to have started, had their futures lived on.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(started(dir).length).toBeLessThanOrEqual(4);
  });

  it("a worker killed mid-run: its items fail (WorkerLost) and are retried or failed per retries", async () => {
    const dir = fs.mkdtempSync(path.join(markers, "kill-"));
    const victim = cluster.workers.find((w) => !w.isolated)!;
    // Two mapped tasks side by side: items of "again" may retry once, items of "once" may not.
    const mapped = (name: string, retries: number) => ({
      name,
      language: "python",
      map: "items",
      mapConcurrency: 4,
      retries,
      code: marking(name, ["    time.sleep(3)", "    return me"]),
    });
    const id = await deployAndRun([mapped("again", 1), mapped("once", 0)], {
      items: [0, 1, 2, 3],
      markers: dir,
    });
    for (let i = 0; i < 200; i++) {
      if (started(dir).filter((s) => s.worker === victim.address).length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const onVictim = new Set(
      started(dir)
        .filter((s) => s.worker === victim.address)
        .map((s) => `${s.task}.${s.item}`),
    );
    expect(onVictim.size).toBeGreaterThan(0);
    victim.child.kill("SIGKILL");
    const run = await wait(id);
    const items = await itemsOf(id);
    expect(items).toHaveLength(8);
    for (const item of items) {
      const killed = onVictim.has(`${item.name}.${item.mapIndex}`);
      if (!killed) {
        expect(item).toMatchObject({ state: "Completed", attempts: 1 });
      } else if (item.name === "again") {
        expect(item).toMatchObject({ state: "Completed", attempts: 2 });
      } else {
        expect(item).toMatchObject({ state: "Failed", attempts: 1, error: { type: "WorkerLost" } });
        expect((item.error as { message: string }).message).toContain(victim.address);
      }
    }
    const anyOnce = [...onVictim].some((t) => t.startsWith("once"));
    expect(run.state).toBe(anyOnce ? "Failed" : "Completed");
  });
});
