// Real server, real agent processes, real task processes: what a run does on an agent —
// languages and binding, retries, timeouts, failures downstream, cancel, runners.
// Each test uses its own work queue, so its agents take only its runs.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isRunning, processesWith } from "../test/support/processes.ts";
import { allLogs, history, startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const shell = (name: string, code: string, extra: Record<string, unknown> = {}) => ({
  name,
  language: "shell",
  code,
  ...extra,
});

test("runs Python, TypeScript and shell tasks with binding, results and logs", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("three"),
      parameters: {
        type: "object",
        properties: { repos: { type: "array", items: { type: "string" } } },
        required: ["repos"],
      },
      tasks: [
        {
          name: "get_stars",
          language: "python",
          code: "from pipebook import get_logger\n\ndef main(repos):\n    get_logger().warning('counting %d', len(repos))\n    return {r: len(r) for r in repos}\n",
        },
        {
          name: "report",
          language: "typescript",
          dependsOn: ["get_stars"],
          code: 'export default function main({ get_stars }: { get_stars: Record<string, number> }) {\n  console.log("total", Object.values(get_stars).reduce((a, b) => a + b, 0));\n  return Object.keys(get_stars).length;\n}\n',
        },
        shell("notify", 'echo "repos counted: $REPORT"', { dependsOn: ["report"] }),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id, { repos: ["a/b", "c/dd"] });
  const run = await waitForRun(api, id);
  expect(run.state).toBe("Completed");
  expect(run.taskRuns.map((t) => [t.name, t.state, t.attempts, t.result])).toEqual([
    ["get_stars", "Completed", 1, { "a/b": 3, "c/dd": 4 }],
    ["report", "Completed", 1, 2],
    ["notify", "Completed", 1, "repos counted: 2"],
  ]);
  const logs = await allLogs(api, id);
  expect(logs.map((l) => [l.task, l.attempt, l.level, l.message])).toEqual([
    ["get_stars", 1, "warning", "counting 2"],
    ["report", 1, "info", "total 7"],
    ["notify", 1, "info", "repos counted: 2"],
  ]);
  for (const line of logs)
    expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test("a task failing twice then succeeding shows 3 attempts and the delays between them", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("flaky"),
      tasks: [
        shell(
          "flaky",
          'n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count\nif [ "$n" -lt 2 ]; then echo "attempt $((n+1)) fails" >&2; exit 1; fi\necho done',
          {
            retries: 3,
            retryDelaySeconds: [0.3, 0.6],
          },
        ),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  const run = await waitForRun(api, id);
  expect(run.state).toBe("Completed");
  expect(run.taskRuns[0]).toMatchObject({ state: "Completed", attempts: 3, result: "done" });
  const events = (await history(api, id)).filter((e) => e.task === "flaky");
  expect(events.map((e) => `${e.to}#${e.attempt}`)).toEqual([
    "Running#1",
    "Retrying#1",
    "Running#2",
    "Retrying#2",
    "Running#3",
    "Completed#3",
  ]);
  const gap = (i: number) => Date.parse(events[i + 1]!.at) - Date.parse(events[i]!.at);
  expect(gap(1)).toBeGreaterThanOrEqual(290);
  expect(gap(3)).toBeGreaterThanOrEqual(590);
  expect(events[1]!.message).toMatch(/^Attempt 1 failed \(NonZeroExit\); retrying in 0\.3 s$/);
});

test("a timeout kills the attempt's process tree", async ({ api, baseURL }) => {
  const queue = uniqueName("q");
  // Found from outside the task's sandbox by its command line (a unique duration).
  const marker = `60.${Date.now() % 1_000_000}`;
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("timeout"),
      tasks: [shell("slow", `sleep ${marker} &\nwait`, { timeoutSeconds: 1 })],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  await expect
    .poll(() => processesWith(`sleep ${marker}`).length, { timeout: 15_000 })
    .toBeGreaterThan(0);
  const run = await waitForRun(api, id);
  expect(run.state).toBe("Failed");
  expect(run.taskRuns[0]!.error).toMatchObject({
    type: "TimedOut",
    message: "the attempt timed out after 1 s and was killed",
  });
  await expect.poll(() => processesWith(`sleep ${marker}`)).toEqual([]);
});

test("an upstream failure: downstream tasks NotRun with the cause, the independent branch Completed", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("branches"),
      tasks: [
        {
          name: "extract",
          language: "python",
          code: "def main():\n    raise ValueError('source is down')\n",
        },
        shell("transform", "echo t", { dependsOn: ["extract"] }),
        shell("load", "echo l", { dependsOn: ["transform"] }),
        shell("audit", "echo audited"),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, await trigger(api, deployment.id));
  expect(run.state).toBe("Failed");
  const byName = Object.fromEntries(run.taskRuns.map((t) => [t.name, t]));
  expect(byName.extract).toMatchObject({
    state: "Failed",
    error: { type: "ValueError", message: "source is down" },
  });
  expect(byName.transform).toMatchObject({
    state: "NotRun",
    error: { upstream: "extract", message: 'did not run: upstream task "extract" failed' },
  });
  expect(byName.load).toMatchObject({ state: "NotRun", error: { upstream: "transform" } });
  expect(byName.audit).toMatchObject({ state: "Completed", result: "audited" });
  expect(run.stateMessage).toBe('task "extract" failed; 2 downstream tasks did not run');
});

test("NUL characters a task prints or returns are kept as U+FFFD; the run still ends", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("nul"),
      tasks: [
        {
          name: "environ",
          language: "python",
          // What reading a /proc/PID/environ file gives: names and values separated by NULs.
          code: "def main():\n    print('A=1\\x00B=2')\n    return {'env\\x00': 'A=1\\x00B=2'}\n",
        },
        shell("after", "echo done", { dependsOn: ["environ"] }),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, await trigger(api, deployment.id));
  expect(run.state).toBe("Completed");
  const environ = run.taskRuns.find((t) => t.name === "environ")!;
  expect(environ.result).toEqual({ "env\uFFFD": "A=1\uFFFDB=2" });
  const lines = await allLogs(api, run.id);
  expect(lines.map((l) => l.message)).toContain("A=1\uFFFDB=2");
});

test("cancel: the run is Cancelled within 2 s and its task processes are gone", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  // Found from outside the task's sandbox by its command line (a unique duration).
  const marker = `120.${Date.now() % 1_000_000}`;
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("cancel"),
      tasks: [
        {
          name: "long",
          language: "python",
          code: `import subprocess\ndef main():\n    subprocess.run(["sleep", "${marker}"])\n`,
        },
        shell("after", "echo never", { dependsOn: ["long"] }),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  await expect.poll(() => processesWith(`sleep ${marker}`).length, { timeout: 15_000 }).toBe(1);
  // The task's process (its kernel) is the parent of that sleep.
  const [{ pid: sleepPid, ppid: pid }] = processesWith(`sleep ${marker}`) as [
    { pid: number; ppid: number },
  ];
  const asked = Date.now();
  const cancel = await api.post(`/api/v1/flow-runs/${id}/cancel`);
  expect(await cancel.json()).toMatchObject({ state: "Cancelling" });
  const run = await waitForRun(api, id, { timeoutMs: 5_000 });
  expect(run.state).toBe("Cancelled");
  expect(Date.now() - asked).toBeLessThan(2_000);
  expect(run.taskRuns.map((t) => t.state)).toEqual(["Cancelled", "Cancelled"]);
  await expect.poll(() => isRunning(pid)).toBe(false);
  await expect.poll(() => isRunning(sleepPid)).toBe(false);
  // A run that ended cannot be cancelled again: 409 that says how it ended.
  const again = await api.post(`/api/v1/flow-runs/${id}/cancel`);
  expect(again.status()).toBe(202);
});

test("the docker runner fails clearly when docker is missing", async ({ api, baseURL }) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("docker"),
      tasks: [shell("inside", "echo hi"), shell("after", "echo after", { dependsOn: ["inside"] })],
    },
    { workQueue: queue, runner: "docker", image: "node:20-slim" },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue], env: { PATH: "/nonexistent" } });
  const run = await waitForRun(api, await trigger(api, deployment.id));
  expect(run.state).toBe("Failed");
  expect(run.stateMessage).toBe(
    'the docker runner needs the docker CLI on the agent\'s host, and "docker" was not found',
  );
  expect(run.taskRuns.map((t) => [t.state, t.error?.type])).toEqual([
    ["NotRun", "RunnerUnavailable"],
    ["NotRun", "RunnerUnavailable"],
  ]);
});

test("the docker runner reports the docker CLI's failure when no engine answers", async ({
  api,
  baseURL,
}) => {
  const docker = spawnSync("docker", ["info"], { encoding: "utf8" });
  test.skip(
    docker.error !== undefined,
    "no docker CLI on this machine (the test above covers that case)",
  );
  test.skip(
    docker.status === 0,
    "a Docker engine runs here: the runner is exercised for real by the flow itself",
  );
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("docker"), tasks: [shell("inside", "echo hi")] },
    { workQueue: queue, runner: "docker", image: "node:20-slim" },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, await trigger(api, deployment.id));
  expect(run.state).toBe("Failed");
  expect(run.stateMessage).toMatch(/^the container exited with code 125: .*(daemon|docker)/i);
  expect(run.taskRuns[0]).toMatchObject({ state: "NotRun", error: { type: "RunnerFailed" } });
});

test("the agent bundle is served as one file that runs with nothing but Node", async ({
  api,
  baseURL,
  request,
}) => {
  const response = await request.get("/agent/pipebook-agent.mjs");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("javascript");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pb-vm-"));
  const bundle = path.join(dir, "pipebook-agent.mjs");
  fs.writeFileSync(bundle, await response.body());
  const help = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [bundle, "--help"], { cwd: dir });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", () => resolve(out));
  });
  expect(help).toContain("--api-url URL");
  expect(help).toContain("PIPEBOOK_QUEUES");
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("vm"), tasks: [shell("hello", "echo from the downloaded agent")] },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue], bundle });
  expect((await waitForRun(api, await trigger(api, deployment.id))).taskRuns[0]!.result).toBe(
    "from the downloaded agent",
  );
});
