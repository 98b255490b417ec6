// Real server, real agent processes: agents' lives — draining and killing them, crashes and
// leases, routing by tags, many agents racing, and what the server refuses from them.
// Each test uses its own work queue, so its agents take only its runs.
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
  expect(await agent.exited, agent.output()).toBe(0);
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
  expect(await forced.exited, forced.output()).toBe(1);
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
  // The marker in /tmp must outlive the first agent: a sandboxed task's /tmp is its own.
  const unsandboxed = ["--isolation", "none"];
  const doomed = startAgent({ apiUrl: baseURL!, queues: [queue], extraArgs: unsandboxed });
  const id = await trigger(api, deployment.id);
  await expect
    .poll(async () => (await waitForRun(api, id, { states: ["Running"] })).taskRuns[1]!.state, {
      timeout: 15_000,
    })
    .toBe("Running");
  doomed.child.kill("SIGKILL");
  startAgent({ apiUrl: baseURL!, queues: [queue], extraArgs: unsandboxed });
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
  // The ledger is a host file: the tasks run unsandboxed to write it.
  const agents = Array.from({ length: 10 }, () =>
    startAgent({
      apiUrl: baseURL!,
      queues: [queue],
      concurrency: 4,
      extraArgs: ["--isolation", "none"],
    }),
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

  const at = new Date().toISOString();
  const batch = (events: unknown[], over: Record<string, unknown> = {}) => ({
    leaseId: claimed.leaseId,
    seq: 1,
    events,
    ...over,
  });
  const report = async (data: unknown, run = id) => {
    const response = await api.post(`/api/v1/flow-runs/${run}/report`, { data });
    return { status: response.status(), body: await response.json() };
  };

  const malformed = await report(batch([{ type: "task", task: "a" }]));
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.message).toMatch(/^invalid body: events\.0\./);
  const unknownTask = await report(
    batch([{ type: "task", task: "nope", state: "Running", attempt: 1, at }]),
  );
  expect(unknownTask).toMatchObject({
    status: 400,
    body: { error: { message: 'report names task "nope", which this run does not have' } },
  });
  const badTransition = await report(
    batch([{ type: "task", task: "a", state: "Completed", attempt: 1, at }]),
  );
  expect(badTransition).toMatchObject({
    status: 400,
    body: {
      error: {
        message: 'report moves task "a" from Pending to Completed, which is not a valid transition',
      },
    },
  });
  expect((await report(batch([]), crypto.randomUUID())).status).toBe(404);
  expect((await report(batch([], { leaseId: crypto.randomUUID() }))).status).toBe(409);
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
  const good = batch([
    { type: "flow", state: "Running", at },
    { type: "log", task: "a", attempt: 1, level: "info", message: "once", at },
  ]);
  expect(await report(good)).toEqual({ status: 200, body: { applied: true, cancel: false } });
  expect(await report(good)).toEqual({ status: 200, body: { applied: false, cancel: false } });
  expect((await allLogs(api, id)).map((l) => l.message)).toEqual(["once"]);
  const gap = await report({ ...good, seq: 5 });
  expect(gap.status).toBe(409);
  expect(gap.body.error.message).toMatch(/arrived out of order \(the last applied was 1\)/);

  // The agent leaves without finishing: its lease ends, the run is Crashed. A report under that
  // expired lease is refused and changes nothing.
  expect((await api.post(`/api/v1/agents/${agentId}/stop`, { data: {} })).status()).toBe(200);
  // (The reaper starts one lease after the server does: up to 15 s on a fresh server.)
  expect((await waitForRun(api, id, { timeoutMs: 20_000 })).state).toBe("Crashed");
  const late = await report(batch([{ type: "flow", state: "Completed", at }], { seq: 2 }));
  expect(late).toMatchObject({ status: 409, body: { error: { code: "lease_lost" } } });
  expect(late.body.error.message).toMatch(/is no longer held under this lease \(it is Crashed\)/);
  expect((await waitForRun(api, id)).state).toBe("Crashed");
});
