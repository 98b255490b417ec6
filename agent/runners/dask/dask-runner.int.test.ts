// The dask runner through the agent's real executor against a real Dask cluster (Debian's
// python3-distributed): a scheduler and two workers, one in a network namespace of its own.
// Python attempts run in the workers' processes; TypeScript and shell tasks stay on the agent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import {
  claimedRun,
  logsOf,
  resultOf,
  startKernels,
  taskStates,
  type Kernels,
} from "../../../test/support/agent-harness.ts";
import {
  DASK_PYTHON,
  daskUnavailable,
  startDaskCluster,
  type DaskCluster,
} from "../../../test/support/dask-cluster.ts";
import { DaskRunner } from "./dask-runner.ts";

const unavailable = daskUnavailable();
const PORT = Number(process.env.PIPEBOOK_E2E_PORT_BASE ?? 4500) + 61;

describe.skipIf(unavailable)("dask runner (executor, real cluster)", () => {
  let cluster: DaskCluster;
  let kernels: Kernels;
  let runner: DaskRunner;
  beforeAll(async () => {
    [cluster, kernels] = await Promise.all([
      startDaskCluster({ port: PORT }),
      Promise.resolve(startKernels()),
    ]);
    // Said, not hidden: the isolated worker then shares this namespace (see dask-cluster.ts).
    if (cluster.isolation) console.warn(`no network namespace for a worker: ${cluster.isolation}`);
    runner = new DaskRunner({
      pool: kernels.pool,
      files: kernels.files,
      workDir: kernels.workDir,
      env: process.env,
      sandbox: kernels.sandbox,
      taskConcurrency: 8,
      python: DASK_PYTHON,
      log: () => undefined,
    });
  }, 90_000);
  afterAll(async () => {
    await runner?.close();
    await kernels?.close();
    await cluster?.stop();
  });

  async function run(
    flow: Parameters<typeof claimedRun>[0],
    options: {
      scheduler?: string | null;
      signal?: AbortSignal;
      onEvent?: (event: ReportEvent) => void;
    } = {},
  ) {
    const claimed = await claimedRun(
      flow,
      {},
      {
        runner: {
          kind: "dask",
          image: null,
          daskScheduler: options.scheduler === undefined ? cluster.scheduler : options.scheduler,
        },
      },
    );
    const events: ReportEvent[] = [];
    const end = await runner.execute({
      run: claimed,
      sink: {
        push: (e) => {
          events.push(e);
          options.onEvent?.(e);
        },
      },
      signal: options.signal ?? new AbortController().signal,
      cacheLookup: async () => ({ hit: false }),
      taskContext: async () => ({ ok: true, context: { secrets: {}, variables: {} } }),
    });
    return { end, events };
  }

  it("runs Python attempts in the workers' processes, TypeScript and shell on the agent", async () => {
    const { end, events } = await run({
      name: "dask-where",
      tasks: [
        {
          name: "where",
          language: "python",
          code: [
            "import os, sys",
            "from distributed import get_worker",
            "from pipebook import get_logger",
            "def main():",
            "    print('on the cluster')",
            "    print('careful', file=sys.stderr)",
            "    get_logger().error('logged %d', 42)",
            "    return {'pid': os.getpid(), 'worker': get_worker().address}",
          ].join("\n"),
        },
        {
          name: "ts",
          language: "typescript",
          dependsOn: ["where"],
          code: "export default function main({ where }: { where: { pid: number } }) { return { agent: process.pid, worker: where.pid }; }",
        },
        { name: "sh", language: "shell", dependsOn: ["where"], code: "echo $$" },
      ],
    });
    expect(end).toBe("Completed");
    const where = resultOf(events, "where") as { pid: number; worker: string };
    expect(cluster.workers.map((w) => w.pid)).toContain(where.pid);
    expect(cluster.workers.map((w) => w.address)).toContain(where.worker);
    // The TypeScript task ran on the agent (a kernel of this test's pool), not on a worker.
    const ts = resultOf(events, "ts") as { agent: number; worker: number };
    expect(cluster.workers.map((w) => w.pid)).not.toContain(ts.agent);
    expect(cluster.workers.map((w) => w.pid)).not.toContain(resultOf(events, "sh"));
    const lines = logsOf(events, "where").map((l) => [l.level, l.message, l.attempt]);
    expect(lines).toEqual([
      ["info", "on the cluster", 1],
      ["warning", "careful", 1],
      ["error", "logged 42", 1],
    ]);
  });

  it("streams an attempt's lines while it runs, each once and in order", async () => {
    const arrived = new Map<string, number>();
    const { end, events } = await run(
      {
        name: "dask-live",
        tasks: [
          {
            name: "live",
            language: "python",
            code: [
              "import time",
              "from pipebook import get_logger",
              "def main():",
              "    print('first')",
              "    get_logger().info('second')",
              "    time.sleep(1.5)",
              "    print('last', end='')",
            ].join("\n"),
          },
        ],
      },
      {
        onEvent: (e) => {
          const key = e.type === "log" ? e.message : e.type === "task" ? e.state : "";
          if (!arrived.has(key)) arrived.set(key, Date.now());
        },
      },
    );
    expect(end).toBe("Completed");
    expect(logsOf(events, "live").map((l) => [l.level, l.message])).toEqual([
      ["info", "first"],
      ["info", "second"],
      ["info", "last"],
    ]);
    // The first lines reached the run while the attempt still slept.
    expect(arrived.get("Completed")! - arrived.get("first")!).toBeGreaterThan(1_000);
    expect(arrived.get("Completed")! - arrived.get("second")!).toBeGreaterThan(1_000);
  });

  it("runs many attempts at once on both workers, the isolated one included", async () => {
    const tasks = Array.from({ length: 8 }, (_, i) => ({
      name: `t${i}`,
      language: "python" as const,
      code: "import time\nfrom distributed import get_worker\ndef main():\n    time.sleep(0.6)\n    return get_worker().address\n",
    }));
    const started = Date.now();
    const { end, events } = await run({ name: "dask-spread", tasks });
    expect(end).toBe("Completed");
    // 8 × 0.6 s on 2 × 2 threads: ~1.2 s when all four threads work, 4.8 s one at a time.
    expect(Date.now() - started).toBeLessThan(4_000);
    const used = new Set(tasks.map((t) => resultOf(events, t.name)));
    expect(used).toEqual(new Set(cluster.workers.map((w) => w.address)));
    // The isolated worker answers at its own address, across the veth link.
    if (!cluster.isolation) {
      const isolated = cluster.workers.find((w) => w.isolated)!;
      expect(isolated.address).not.toContain("127.0.0.1");
      expect(used).toContain(isolated.address);
    }
  });

  it("a failing attempt is retried per the task's retries, with its traceback", async () => {
    const { end, events } = await run({
      name: "dask-fail",
      tasks: [
        {
          name: "boom",
          language: "python",
          retries: 1,
          code: "def main():\n    raise ValueError('no good')\n",
        },
      ],
    });
    expect(end).toBe("Failed");
    expect(taskStates(events, "boom")).toEqual([
      "boom:Running",
      "boom:Retrying",
      "boom:Running",
      "boom:Failed",
    ]);
    const failed = events.find((e) => e.type === "task" && e.state === "Failed");
    expect(failed?.type === "task" && failed.error).toMatchObject({
      type: "ValueError",
      message: "no good",
    });
    expect(failed?.type === "task" && failed.error?.traceback).toContain(
      'File "<task boom>", line 2',
    );
  });

  it("a timed-out attempt is abandoned (TimedOut) and retried", async () => {
    const { end, events } = await run({
      name: "dask-timeout",
      tasks: [
        {
          name: "slow",
          language: "python",
          retries: 1,
          timeoutSeconds: 1,
          code: "import time\ndef main():\n    time.sleep(3)\n",
        },
      ],
    });
    expect(end).toBe("Failed");
    const errors = events.flatMap((e) =>
      e.type === "task" && e.task === "slow" && e.error ? [e.error.type] : [],
    );
    expect(errors).toEqual(["TimedOut", "TimedOut"]);
  });

  it("a dask run with no scheduler anywhere fails at once, saying how to set one", async () => {
    const { end, events } = await run(
      {
        name: "dask-nowhere",
        tasks: [{ name: "a", language: "python", code: "def main(): return 1" }],
      },
      { scheduler: null },
    );
    expect(end).toBe("Failed");
    const flow = events.find((e) => e.type === "flow" && e.state === "Failed");
    expect(flow?.type === "flow" && flow.message).toMatch(/--dask-scheduler/);
    expect(taskStates(events)).toEqual(["a:NotRun"]);
  });

  it("a malformed scheduler address fails the run at once, saying what is expected", async () => {
    const { end, events } = await run(
      {
        name: "dask-malformed",
        tasks: [{ name: "a", language: "python", code: "def main(): return 1" }],
      },
      { scheduler: "--scheduler-file=/etc/passwd" },
    );
    expect(end).toBe("Failed");
    const flow = events.find((e) => e.type === "flow" && e.state === "Failed");
    expect(flow?.type === "flow" && flow.message).toContain("expected protocol://host:port");
  });

  it("a scheduler that does not answer fails the run with the address", async () => {
    const { end, events } = await run(
      {
        name: "dask-away",
        tasks: [{ name: "a", language: "python", code: "def main(): return 1" }],
      },
      { scheduler: "tcp://127.0.0.1:9" },
    );
    expect(end).toBe("Failed");
    const flow = events.find((e) => e.type === "flow" && e.state === "Failed");
    expect(flow?.type === "flow" && flow.message).toContain("tcp://127.0.0.1:9");
  }, 60_000);
});
