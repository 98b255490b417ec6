// Concurrency limits and deployment pause through the public API, the CLI and real agents: a tag
// limit of 2 across two deployments holds with 4 agents taking 10 runs (checked from the runs'
// state history), a run beyond a limit says why it waits, bad limits are refused by field.
import type { APIRequestContext } from "@playwright/test";
import { history, startAgent, stopAllAgents, type RunView } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

const ACTIVE = new Set(["Pending", "Running", "Cancelling"]);
const tagsMade: string[] = [];

// A tag limit anywhere puts every claim of the server on the serialized path: remove ours.
test.afterEach(async ({ api }) => {
  await stopAllAgents();
  for (const tag of tagsMade.splice(0)) await api.delete(`/api/v1/concurrency-limits/tags/${tag}`);
});

async function setTagLimit(api: APIRequestContext, tag: string, limit: number) {
  tagsMade.push(tag);
  const response = await api.put(`/api/v1/concurrency-limits/tags/${tag}`, { data: { limit } });
  expect(response.status(), await response.text()).toBe(200);
}

const sleeper = (name: string, seconds: number) => ({
  name,
  tasks: [{ name: "work", language: "shell", code: `sleep ${seconds}; echo done` }],
});

test("a tag limit of 2 across two deployments holds for 4 agents and 10 runs, and all complete", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const tag = uniqueName("db");
  const [qa, qb] = [uniqueName("qa"), uniqueName("qb")];
  await setTagLimit(api, tag, 2);
  const a = await deployFlow(api, sleeper(uniqueName("load"), 0.4), { workQueue: qa, tags: [tag] });
  const b = await deployFlow(api, sleeper(uniqueName("report"), 0.4), {
    workQueue: qb,
    tags: [tag],
  });
  const runs: string[] = [];
  for (let i = 0; i < 5; i++) runs.push(await trigger(api, a.id), await trigger(api, b.id));
  const agents = Array.from({ length: 4 }, () =>
    startAgent({ apiUrl: baseURL!, queues: [qa, qb], tags: [tag], concurrency: 2 }),
  );
  await Promise.all(agents.map((agent) => agent.waitFor(/connected to/)));

  await expect
    .poll(
      async () => {
        const states = await Promise.all(
          runs.map(
            async (id) =>
              ((await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as RunView).state,
          ),
        );
        return states.filter((s) => s === "Completed").length;
      },
      { timeout: 60_000 },
    )
    .toBe(10);

  // From the state history: every moment, how many of the 10 were active (Pending, Running,
  // Cancelling). At one instant an end counts before a start.
  const changes: { at: number; delta: number }[] = [];
  for (const id of runs) {
    let active = false;
    for (const e of (await history(api, id)).filter((e) => e.task === null)) {
      const now = ACTIVE.has(e.to);
      if (now !== active) changes.push({ at: Date.parse(e.at), delta: now ? 1 : -1 });
      active = now;
    }
    expect(active, `run ${id} ended`).toBe(false);
  }
  changes.sort((x, y) => x.at - y.at || x.delta - y.delta);
  let inUse = 0;
  let most = 0;
  for (const change of changes) most = Math.max(most, (inUse += change.delta));
  expect(most).toBe(2);
});

test("a run beyond a limit says why it waits, in the API and the CLI, and starts when a slot frees", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const tag = uniqueName("db");
  const queue = uniqueName("q");
  await setTagLimit(api, tag, 1);
  // 5 s: the first run must still hold the slot while the API and two CLI calls look (under a
  // loaded CI machine, 2 s ran out before the CLI answered).
  const d = await deployFlow(api, sleeper(uniqueName("slow"), 5), {
    workQueue: queue,
    tags: [tag],
  });
  const first = await trigger(api, d.id);
  const second = await trigger(api, d.id);
  startAgent({ apiUrl: baseURL!, queues: [queue], tags: [tag], concurrency: 2 });
  const run = async (id: string) =>
    (await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as RunView & {
      waitingFor: string | null;
    };
  await expect.poll(async () => (await run(first)).state).toBe("Running");
  const waiting = await run(second);
  expect(waiting.state).toBe("Scheduled");
  expect(waiting.waitingFor).toBe(`Waiting for a slot of tag ${tag} (1/1 in use)`);

  const preview = await (await api.get(`/api/v1/work-queues/${queue}/preview`)).json();
  expect(preview.runs).toMatchObject([
    { id: second, waitingFor: `Waiting for a slot of tag ${tag} (1/1 in use)` },
  ]);
  const limits = await (await api.get("/api/v1/concurrency-limits")).json();
  expect(limits.tags).toContainEqual(
    expect.objectContaining({ tag, limit: 1, inUse: 1, waiting: 1 }),
  );

  const listed = await pipebook(baseURL!, ["limit", "ls"]);
  expect(listed.stdout).toMatch(new RegExp(`tag\\s+${tag}\\s+1/1\\s+1`));
  const runsCli = await pipebook(baseURL!, ["runs", "--deployment", d.id]);
  expect(runsCli.stdout).toContain(`Scheduled: Waiting for a slot of tag ${tag} (1/1 in use)`);

  // The slot frees when the first ends; the second takes it with no retry timer in between.
  await expect
    .poll(async () => (await run(second)).state, { timeout: 10_000 })
    .toMatch(/Pending|Running|Completed/);
  const ended = (await history(api, first)).find((e) => e.task === null && e.to === "Completed")!;
  const claimed = (await history(api, second)).find((e) => e.to === "Pending")!;
  expect(Date.parse(claimed.at) - Date.parse(ended.at)).toBeLessThan(1_000);
});

test("a paused deployment's runs wait until it is resumed (API and CLI)", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("pausable");
  const d = await deployFlow(api, sleeper(flow, 0), { workQueue: queue });
  const paused = await pipebook(baseURL!, ["deployment", "pause", `${flow}/e2e`]);
  expect(paused.stdout).toContain(`Paused deployment ${flow}/e2e`);
  const id = await trigger(api, d.id);
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const view = async () =>
    (await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as RunView & {
      waitingFor: string | null;
    };
  expect((await view()).waitingFor).toBe("Deployment paused");
  expect((await (await api.get(`/api/v1/deployments/${d.id}`)).json()).paused).toBe(true);
  const resumed = await api.post(`/api/v1/deployments/${d.id}/resume`);
  expect(resumed.status()).toBe(200);
  await expect.poll(async () => (await view()).state).toBe("Completed");
});

test("limits and queue settings are changed through the API and the CLI; bad ones are refused by field", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const d = await deployFlow(api, sleeper(uniqueName("f"), 0), { workQueue: queue });
  const set = await pipebook(baseURL!, [
    "work-queue",
    "set",
    queue,
    "--priority",
    "5",
    "--limit",
    "3",
  ]);
  expect(set.stdout).toContain(`Work queue "${queue}": priority 5, limit 3`);
  const patched = await api.patch(`/api/v1/work-queues/${queue}`, {
    data: { concurrencyLimit: null },
  });
  expect(await patched.json()).toMatchObject({ name: queue, priority: 5, concurrencyLimit: null });

  const deployment = await api.patch(`/api/v1/deployments/${d.id}`, {
    data: { concurrencyLimit: 1 },
  });
  expect(await deployment.json()).toMatchObject({ id: d.id, concurrencyLimit: 1, paused: false });
  const none = await pipebook(baseURL!, ["deployment", "set", d.id, "--limit", "none"]);
  expect(none.stdout).toContain("no concurrency limit");

  const tag = uniqueName("t");
  tagsMade.push(tag);
  expect((await pipebook(baseURL!, ["limit", "set", tag, "2"])).stdout).toContain(
    `Tag ${tag}: at most 2`,
  );
  expect((await pipebook(baseURL!, ["limit", "rm", tag])).stdout).toContain(
    `Removed the limit of tag ${tag}`,
  );

  const bad: [string, string, unknown, string][] = [
    ["put", `/api/v1/concurrency-limits/tags/${tag}`, { limit: -1 }, "limit"],
    ["put", `/api/v1/concurrency-limits/tags/${tag}`, { limit: "two" }, "limit"],
    ["patch", `/api/v1/work-queues/${queue}`, { priority: 0 }, "priority"],
    ["patch", `/api/v1/work-queues/${queue}`, { concurrencyLimt: 2 }, "concurrencyLimt"],
    ["patch", `/api/v1/deployments/${d.id}`, { concurrencyLimit: 1.5 }, "concurrencyLimit"],
  ];
  for (const [method, path, data, field] of bad) {
    const response =
      method === "put" ? await api.put(path, { data }) : await api.patch(path, { data });
    expect(response.status(), `${method} ${path} ${JSON.stringify(data)}`).toBe(400);
    expect((await response.json()).error.message).toContain(field);
  }
  const cli = await pipebook(baseURL!, ["limit", "set", tag, "many"]);
  expect(cli.code).not.toBe(0);
  expect(cli.stderr).toContain('N: "many" is not a limit: give a whole number ≥ 0');
  expect((await api.delete(`/api/v1/concurrency-limits/tags/${tag}`)).status()).toBe(404);
});
