// The executor with real kernels: python3, node and bash child processes.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimedRun,
  execute,
  logsOf,
  resultOf,
  startKernels,
  taskEvent,
  taskStates,
  type Kernels,
} from "../../test/support/agent-harness.ts";
import { isRunning } from "../../test/support/processes.ts";

let kernels: Kernels;
beforeAll(() => {
  kernels = startKernels();
});
afterAll(async () => {
  await kernels.close();
});

describe("executing a flow run", () => {
  it("runs Python, TypeScript and shell with the input binding, results and logs", async () => {
    const run = await claimedRun(
      {
        name: "three",
        parameters: { type: "object", properties: { n: { type: "integer" } } },
        tasks: [
          {
            name: "extract",
            language: "python",
            code: [
              "import sys",
              "from pipebook import get_logger",
              "",
              "def main(n, label='x'):",
              "    print('extracting', n)",
              "    print('careful', file=sys.stderr)",
              "    get_logger().error('logged error')",
              "    return {'n': n, 'label': label, 'items': [1, 2, 3]}",
            ].join("\n"),
          },
          {
            name: "transform",
            language: "typescript",
            dependsOn: ["extract"],
            code: [
              'import { logger } from "pipebook";',
              "export default async function main({ extract, n }: { extract: { items: number[] }; n: number }) {",
              '  console.log("got", extract.items.length, "items with spaces and \\"quotes\\"");',
              '  logger.warn("a warning");',
              "  await new Promise((r) => setTimeout(r, 10));",
              "  return extract.items.map((x) => x * n);",
              "}",
            ].join("\n"),
          },
          {
            name: "load",
            language: "shell",
            dependsOn: ["transform"],
            code: 'echo "values: $TRANSFORM n=$N task=$PIPEBOOK_TASK"\necho \'{"loaded": true}\'',
          },
        ],
      },
      { n: 2 },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(events[0]).toMatchObject({ type: "flow", state: "Running" });
    expect(events.at(-1)).toMatchObject({ type: "flow", state: "Completed" });
    expect(taskStates(events)).toEqual([
      "extract:Running",
      "extract:Completed",
      "transform:Running",
      "transform:Completed",
      "load:Running",
      "load:Completed",
    ]);
    expect(resultOf(events, "extract")).toEqual({ n: 2, label: "x", items: [1, 2, 3] });
    expect(resultOf(events, "transform")).toEqual([2, 4, 6]);
    expect(resultOf(events, "load")).toEqual({ loaded: true });

    const lines = (task: string) => logsOf(events, task).map((l) => `${l.level}:${l.message}`);
    expect(lines("extract").sort()).toEqual([
      "error:logged error",
      "info:extracting 2",
      "warning:careful",
    ]);
    expect(lines("transform").sort()).toEqual([
      'info:got 3 items with spaces and "quotes"',
      "warning:a warning",
    ]);
    expect(lines("load")).toEqual(["info:values: [2,4,6] n=2 task=load", 'info:{"loaded": true}']);
    for (const line of logsOf(events, "extract")) {
      expect(line).toMatchObject({ attempt: 1, at: expect.stringMatching(/Z$/) });
    }
  });

  it("retries with the policy's delays: two failures then success is 3 attempts", async () => {
    const run = await claimedRun({
      name: "flaky",
      tasks: [
        {
          name: "flaky",
          language: "python",
          retries: 3,
          retryDelaySeconds: [0.2, 0.4],
          code: [
            "import os",
            "def main():",
            "    n = int(open('count').read()) if os.path.exists('count') else 0",
            "    open('count', 'w').write(str(n + 1))",
            "    if n < 2:",
            "        raise RuntimeError(f'attempt {n + 1} fails')",
            "    return n + 1",
          ].join("\n"),
        },
      ],
    });
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    const steps = events.flatMap((e) => (e.type === "task" ? [`${e.state}#${e.attempt}`] : []));
    expect(steps).toEqual([
      "Running#1",
      "Retrying#1",
      "Running#2",
      "Retrying#2",
      "Running#3",
      "Completed#3",
    ]);
    expect(resultOf(events, "flaky")).toBe(3);
    const retrying = events.filter((e) => e.type === "task" && e.state === "Retrying");
    const delays = retrying.map((e) =>
      e.type === "task" ? Date.parse(e.nextAttemptAt!) - Date.parse(e.at) : 0,
    );
    expect(delays[0]).toBeGreaterThanOrEqual(195);
    expect(delays[0]).toBeLessThan(260);
    expect(delays[1]).toBeGreaterThanOrEqual(395);
    expect(delays[1]).toBeLessThan(460);
    const firstRetry = retrying[0]!;
    expect(firstRetry).toMatchObject({
      error: { type: "RuntimeError", message: "attempt 1 fails" },
    });
    // The traceback is in the logs, pointing at the cell's own line.
    const errorLines = logsOf(events, "flaky").filter((l) => l.level === "error");
    expect(errorLines[0]!.message).toContain('File "<task flaky>", line 6, in main');
    expect(errorLines[0]!.message).toContain("raise RuntimeError(f'attempt {n + 1} fails')");
  });

  it("kills a timed-out attempt with everything it started", async () => {
    const run = await claimedRun({
      name: "slow",
      tasks: [
        {
          name: "slow_shell",
          language: "shell",
          timeoutSeconds: 1,
          code: "sleep 30 &\necho $! > shell-child.pid\nwait",
        },
        {
          name: "slow_python",
          language: "python",
          timeoutSeconds: 1,
          code: [
            "import subprocess, time",
            "def main():",
            "    child = subprocess.Popen(['sleep', '30'])",
            "    open('python-child.pid', 'w').write(str(child.pid))",
            "    time.sleep(30)",
          ].join("\n"),
        },
      ],
    });
    const started = Date.now();
    const { end, events, cwd: folder } = await execute(kernels, run);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(end).toBe("Failed");
    for (const task of ["slow_shell", "slow_python"]) {
      expect(taskEvent(events, task, "Failed").error).toMatchObject({
        type: "TimedOut",
        message: "the attempt timed out after 1 s and was killed",
      });
    }
    // The run folder is gone with the run in a real agent; here it is kept for the pids.
    await new Promise((r) => setTimeout(r, 200));
    for (const file of ["shell-child.pid", "python-child.pid"]) {
      const pid = Number(fs.readFileSync(path.join(folder, file), "utf8"));
      expect(isRunning(pid), `${file} (${pid}) should be dead`).toBe(false);
    }
  });

  it("skips what is downstream of a failure, naming the upstream, while independent branches complete", async () => {
    const run = await claimedRun({
      name: "branches",
      tasks: [
        { name: "a", language: "python", code: "def main():\n    raise ValueError('bad input')" },
        { name: "b", language: "shell", dependsOn: ["a"], code: "echo b" },
        { name: "c", language: "shell", dependsOn: ["b"], code: "echo c" },
        { name: "d", language: "shell", code: "echo independent" },
        { name: "e", language: "shell", dependsOn: ["d"], code: "echo e" },
      ],
    });
    const { end, events } = await execute(kernels, run, { taskConcurrency: 1 });
    expect(end).toBe("Failed");
    expect(taskEvent(events, "a", "Failed").error).toMatchObject({
      type: "ValueError",
      message: "bad input",
    });
    expect(taskEvent(events, "b", "NotRun").error).toEqual({
      type: "UpstreamNotCompleted",
      message: 'did not run: upstream task "a" failed',
      upstream: "a",
    });
    expect(taskEvent(events, "c", "NotRun").error).toMatchObject({
      message: 'did not run: upstream task "b" did not run',
      upstream: "b",
    });
    expect(resultOf(events, "e")).toBe("e");
    expect(taskStates(events, "b")).toEqual(["b:NotRun"]);
    expect(events.at(-1)).toMatchObject({
      type: "flow",
      state: "Failed",
      message: 'task "a" failed; 2 downstream tasks did not run',
    });
  });

  it("runs independent tasks in parallel, up to the bound", async () => {
    const run = await claimedRun({
      name: "parallel",
      tasks: ["p1", "p2", "p3", "p4"].map((name) => ({
        name,
        language: "shell" as const,
        code: "sleep 0.4",
      })),
    });
    const started = Date.now();
    const { end } = await execute(kernels, run, { taskConcurrency: 4 });
    expect(end).toBe("Completed");
    expect(Date.now() - started).toBeLessThan(1_200);
  });

  it("stops everything on cancel, within a moment, and marks what never started Cancelled", async () => {
    const run = await claimedRun({
      name: "cancel",
      tasks: [
        { name: "long", language: "python", code: "import time\ndef main():\n    time.sleep(60)" },
        { name: "after", language: "shell", dependsOn: ["long"], code: "echo never" },
      ],
    });
    const controller = new AbortController();
    const pending = execute(kernels, run, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 500));
    const cancelledAt = Date.now();
    controller.abort("cancel");
    const { end, events } = await pending;
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    expect(end).toBe("Cancelled");
    expect(taskStates(events)).toEqual(["long:Running", "long:Cancelled", "after:Cancelled"]);
    expect(events.at(-1)).toMatchObject({ type: "flow", state: "Cancelled" });
  });

  it("reuses a cached result for the same code and inputs", async () => {
    const flow = {
      name: "cached",
      parameters: { type: "object" as const, properties: { x: { type: "integer" as const } } },
      tasks: [
        {
          name: "square",
          language: "python" as const,
          cache: { key: "inputs" as const, expiresSeconds: 60 },
          code: "def main(x):\n    return x * x",
        },
      ],
    };
    const first = await execute(kernels, await claimedRun(flow, { x: 7 }));
    const completed = taskEvent(first.events, "square", "Completed");
    expect(completed.result).toBe(49);
    expect(completed.cache?.key).toMatch(/^[0-9a-f]{64}$/);
    const cache = new Map([[completed.cache!.key, 49]]);
    const second = await execute(kernels, await claimedRun(flow, { x: 7 }), { cache });
    expect(taskStates(second.events)).toEqual(["square:Cached"]);
    expect(resultOf(second.events, "square")).toBe(49);
    const other = await execute(kernels, await claimedRun(flow, { x: 8 }), { cache });
    expect(taskStates(other.events)).toEqual(["square:Running", "square:Completed"]);
  });

  it("resumes a retried run: completed tasks keep their results and do not run again", async () => {
    const run = await claimedRun(
      {
        name: "resume",
        tasks: [
          { name: "first", language: "shell", code: "exit 1" },
          {
            name: "second",
            language: "python",
            dependsOn: ["first"],
            code: "def main(first):\n    return first + 1",
          },
        ],
      },
      {},
      {
        attempt: 2,
        completed: { first: { state: "Completed", result: 41 } },
        priorAttempts: { first: 1, second: 0 },
      },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(taskStates(events)).toEqual(["second:Running", "second:Completed"]);
    expect(resultOf(events, "second")).toBe(42);
  });
});
