// Real server, real agent processes, real task processes: the agent protocol end to end.
// Each test uses its own work queue, so its agents take only its runs.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_API_KEY } from "./support/constants.ts";
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
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pb-timeout-")), "child.pid");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("timeout"),
      tasks: [shell("slow", `sleep 60 &\necho $! > ${pidFile}\nwait`, { timeoutSeconds: 1 })],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  const run = await waitForRun(api, id);
  expect(run.state).toBe("Failed");
  expect(run.taskRuns[0]!.error).toMatchObject({
    type: "TimedOut",
    message: "the attempt timed out after 1 s and was killed",
  });
  const pid = Number(fs.readFileSync(pidFile, "utf8"));
  await expect.poll(() => isRunning(pid)).toBe(false);
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

test("cancel: the run is Cancelled within 2 s and its task processes are gone", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pb-cancel-")), "task.pid");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("cancel"),
      tasks: [
        {
          name: "long",
          language: "python",
          code: `import os, time\ndef main():\n    open(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\n    time.sleep(120)\n`,
        },
        shell("after", "echo never", { dependsOn: ["long"] }),
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  await expect.poll(() => fs.existsSync(pidFile), { timeout: 15_000 }).toBe(true);
  const pid = Number(fs.readFileSync(pidFile, "utf8"));
  const asked = Date.now();
  const cancel = await api.post(`/api/v1/flow-runs/${id}/cancel`);
  expect(await cancel.json()).toMatchObject({ state: "Cancelling" });
  const run = await waitForRun(api, id, { timeoutMs: 5_000 });
  expect(run.state).toBe("Cancelled");
  expect(Date.now() - asked).toBeLessThan(2_000);
  expect(run.taskRuns.map((t) => t.state)).toEqual(["Cancelled", "Cancelled"]);
  await expect.poll(() => isRunning(pid)).toBe(false);
  // A run that ended cannot be cancelled again: 409 that says how it ended.
  const again = await api.post(`/api/v1/flow-runs/${id}/cancel`);
  expect(again.status()).toBe(202);
});

test("SIGTERM drains: the running run finishes, the agent exits 0; a second signal exits at once", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("drain"), tasks: [shell("work", "sleep 1.5\necho finished")] },
    { workQueue: queue },
  );
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await agent.waitFor(/connected to/);
  const id = await trigger(api, deployment.id);
  await waitForRun(api, id, { states: ["Running"] });
  agent.child.kill("SIGTERM");
  expect(await agent.exited).toBe(0);
  expect(agent.output()).toMatch(
    /stopping: no new runs; 1 running run\(s\) may finish within 30 s/,
  );
  const run = await waitForRun(api, id);
  expect(run).toMatchObject({ state: "Completed", taskRuns: [{ result: "finished" }] });

  const second = await deployFlow(
    api,
    { name: uniqueName("forced"), tasks: [shell("work", "sleep 60")] },
    { workQueue: queue },
  );
  const forced = startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id2 = await trigger(api, second.id);
  await waitForRun(api, id2, { states: ["Running"] });
  forced.child.kill("SIGTERM");
  await forced.waitFor(/may finish within/);
  const started = Date.now();
  forced.child.kill("SIGTERM");
  expect(await forced.exited).toBe(1);
  expect(Date.now() - started).toBeLessThan(2_000);
  // The server hears the agent is gone: the run is Crashed well within the lease.
  expect((await waitForRun(api, id2, { timeoutMs: 20_000 })).state).toBe("Crashed");
});

test("agent SIGKILL mid-run: Crashed within 15 s, and a late report under the old lease is refused", async ({
  api,
  baseURL,
  playwright,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("killed"), tasks: [shell("work", "sleep 60")] },
    { workQueue: queue },
  );
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  await waitForRun(api, id, { states: ["Running"] });
  // The lease id, as the agent holds it: from the history of the claim, via the database's view.
  const killedAt = Date.now();
  agent.child.kill("SIGKILL");
  const run = await waitForRun(api, id, { timeoutMs: 20_000 });
  expect(run.state).toBe("Crashed");
  expect(Date.now() - killedAt).toBeLessThan(15_000);
  expect(run.taskRuns[0]).toMatchObject({ state: "Crashed" });

  // An agent that comes back late with a report under the lease it had is refused, and the run stays Crashed.
  const late = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${E2E_API_KEY}` },
  });
  const response = await late.post(`/api/v1/flow-runs/${id}/report`, {
    data: {
      leaseId: crypto.randomUUID(),
      seq: 1,
      events: [{ type: "flow", state: "Completed", at: new Date().toISOString() }],
    },
  });
  expect(response.status()).toBe(409);
  expect((await response.json()).error).toMatchObject({ code: "lease_lost" });
  expect((await waitForRun(api, id)).state).toBe("Crashed");
  await late.dispose();
});

test("a Crashed run is queued again when its deployment has retries, and another agent completes it", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("retried"),
      tasks: [
        shell("first", "echo one"),
        shell(
          "second",
          "if [ ! -f /tmp/pb-retried-$PIPEBOOK_FLOW_RUN_ID ]; then touch /tmp/pb-retried-$PIPEBOOK_FLOW_RUN_ID; sleep 60; fi\necho two",
          { dependsOn: ["first"] },
        ),
      ],
    },
    { workQueue: queue, retries: 1 },
  );
  const doomed = startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  await expect
    .poll(async () => (await waitForRun(api, id, { states: ["Running"] })).taskRuns[1]!.state, {
      timeout: 15_000,
    })
    .toBe("Running");
  doomed.child.kill("SIGKILL");
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, id, { timeoutMs: 30_000 });
  expect(run).toMatchObject({ state: "Completed", attempt: 2 });
  // The retry resumed: the first task kept its result and ran once.
  expect(run.taskRuns.map((t) => [t.name, t.state, t.attempts, t.result])).toEqual([
    ["first", "Completed", 1, "one"],
    ["second", "Completed", 2, "two"],
  ]);
});

test("tags route: a gpu deployment is never claimed by an agent without the tag", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("gpu"), tasks: [shell("train", "echo trained on $HOSTNAME")] },
    { workQueue: queue, tags: ["gpu"] },
  );
  const plain = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await plain.waitFor(/connected to/);
  const id = await trigger(api, deployment.id);
  await new Promise((r) => setTimeout(r, 1_500));
  expect((await waitForRun(api, id, { states: ["Scheduled"] })).state).toBe("Scheduled");
  expect(plain.output()).not.toContain("claimed run");
  const gpu = startAgent({ apiUrl: baseURL!, queues: [queue], tags: ["gpu", "cuda"] });
  expect((await waitForRun(api, id)).state).toBe("Completed");
  expect(gpu.output()).toContain(`claimed run ${id}`);
  expect(plain.output()).not.toContain("claimed run");
});

test("10 agents racing for 200 queued runs: every run executed exactly once", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const queue = uniqueName("q");
  const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pb-race-")), "ledger");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("race"),
      tasks: [shell("mark", `echo "$PIPEBOOK_FLOW_RUN_ID" >> ${ledger}\necho ok`)],
    },
    { workQueue: queue },
  );
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push(await trigger(api, deployment.id));
  const agents = Array.from({ length: 10 }, () =>
    startAgent({ apiUrl: baseURL!, queues: [queue], concurrency: 4 }),
  );
  for (const id of ids)
    expect((await waitForRun(api, id, { timeoutMs: 120_000 })).state).toBe("Completed");
  const marks = fs.readFileSync(ledger, "utf8").trim().split("\n");
  expect(marks.length).toBe(200);
  expect(new Set(marks)).toEqual(new Set(ids));
  const claimedBy = agents.map((a) => (a.output().match(/claimed run/g) ?? []).length);
  expect(claimedBy.reduce((a, b) => a + b, 0)).toBe(200);
});

test("bad input from an agent gets a clear 4xx and changes nothing", async ({ api }) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    { name: uniqueName("badagent"), tasks: [shell("a", "echo a")] },
    { workQueue: queue },
  );
  const id = await trigger(api, deployment.id);
  const register = await api.post("/api/v1/agents", { data: { name: "probe", queues: [queue] } });
  expect(register.status()).toBe(201);
  const agentId = (await register.json()).id as string;
  const claim = await api.post(`/api/v1/agents/${agentId}/claim`, {
    data: { capacity: 1, waitMs: 0 },
  });
  const [claimed] = (await claim.json()).runs;
  expect(claimed.flowRunId).toBe(id);

  const malformed = await api.post(`/api/v1/flow-runs/${id}/report`, {
    data: { leaseId: claimed.leaseId, seq: 1, events: [{ type: "task", task: "a" }] },
  });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.message).toMatch(/^invalid body: events\.0\./);
  const unknownTask = await api.post(`/api/v1/flow-runs/${id}/report`, {
    data: {
      leaseId: claimed.leaseId,
      seq: 1,
      events: [
        { type: "task", task: "nope", state: "Running", attempt: 1, at: new Date().toISOString() },
      ],
    },
  });
  expect(unknownTask.status()).toBe(400);
  expect((await unknownTask.json()).error.message).toBe(
    'report names task "nope", which this run does not have',
  );
  const badTransition = await api.post(`/api/v1/flow-runs/${id}/report`, {
    data: {
      leaseId: claimed.leaseId,
      seq: 1,
      events: [
        { type: "task", task: "a", state: "Completed", attempt: 1, at: new Date().toISOString() },
      ],
    },
  });
  expect(badTransition.status()).toBe(400);
  expect((await badTransition.json()).error.message).toBe(
    'report moves task "a" from Pending to Completed, which is not a valid transition',
  );
  const unknownRun = await api.post(`/api/v1/flow-runs/${crypto.randomUUID()}/report`, {
    data: { leaseId: claimed.leaseId, seq: 1, events: [] },
  });
  expect(unknownRun.status()).toBe(404);
  const wrongLease = await api.post(`/api/v1/flow-runs/${id}/report`, {
    data: { leaseId: crypto.randomUUID(), seq: 1, events: [] },
  });
  expect(wrongLease.status()).toBe(409);
  const unknownAgent = await api.post(`/api/v1/agents/${crypto.randomUUID()}/claim`, {
    data: { capacity: 1, waitMs: 0 },
  });
  expect(unknownAgent.status()).toBe(404);
  expect((await unknownAgent.json()).error.message).toMatch(/is not registered: register again/);

  // None of it changed the run: still Pending, nothing in its history beyond the claim.
  const run = await waitForRun(api, id, { states: ["Pending"] });
  expect(run.taskRuns[0]!.state).toBe("Pending");
  expect((await history(api, id)).map((e) => e.to)).toEqual(["Scheduled", "Pending"]);

  // A good batch, then the same batch again: applied once.
  const good = {
    leaseId: claimed.leaseId,
    seq: 1,
    events: [
      { type: "flow", state: "Running", at: new Date().toISOString() },
      {
        type: "log",
        task: "a",
        attempt: 1,
        level: "info",
        message: "once",
        at: new Date().toISOString(),
      },
    ],
  };
  expect(await (await api.post(`/api/v1/flow-runs/${id}/report`, { data: good })).json()).toEqual({
    applied: true,
    cancel: false,
  });
  expect(await (await api.post(`/api/v1/flow-runs/${id}/report`, { data: good })).json()).toEqual({
    applied: false,
    cancel: false,
  });
  expect((await allLogs(api, id)).map((l) => l.message)).toEqual(["once"]);
  const gap = await api.post(`/api/v1/flow-runs/${id}/report`, { data: { ...good, seq: 5 } });
  expect(gap.status()).toBe(409);
  expect((await gap.json()).error.message).toMatch(
    /arrived out of order \(the last applied was 1\)/,
  );
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

function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
