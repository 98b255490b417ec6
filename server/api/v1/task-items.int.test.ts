// A mapped task's items through the real HTTP API: the run's task list counts them by state,
// GET …/items pages them in order (filtered by state), logs and state history name the item;
// unknown runs, tasks and unmapped tasks are 404s that say which, bad query values 400s that
// name the parameter.
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../../contract/flow-file/schema.ts";
import { freshDatabase, serveFrom } from "../../../test/support/database.ts";
import { seedFlow, uniqueName } from "../../../test/support/seed.ts";
import { executeMapped, testAgent } from "../../../test/support/simulated-agent.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../../auth/secrets.ts";
import { createDeployment } from "../../deployments/create-deployment.ts";
import { createFlowRun } from "../../runs/create-flow-run.ts";
import { dispatch } from "../routes.ts";

const test = freshDatabase();
serveFrom(test);

const REPOS = Array.from({ length: 10 }, (_, i) => `org/repo-${i}`);
const FAILING = new Set([3, 7]);

const stars = (name: string): FlowFileInput => ({
  name,
  parameters: {
    type: "object",
    properties: { repos: { type: "array", items: { type: "string" }, default: REPOS } },
  },
  tasks: [
    {
      name: "get_stars",
      language: "python",
      map: "repos",
      code: "def main(repos):\n    return len(repos)\n",
    },
    {
      name: "total",
      language: "python",
      dependsOn: ["get_stars"],
      code: "def main(get_stars):\n    return sum(get_stars)\n",
    },
  ],
});

let key = "";
let runId = "";

// The fields these tests read of an answer: a run, a page of items, of logs or of events, or an error.
type Answer = {
  name: string;
  state: string;
  taskRuns: { name: string; state: string; items?: unknown }[];
  items: { index: number }[];
  total: number;
  next: number | null;
  logs: { item: number | null }[];
  events: { task: string | null; to: string; item: number | null }[];
  error: { message: string };
};

async function get(path: string) {
  const response = await dispatch(
    new Request(`http://127.0.0.1${path}`, { headers: { authorization: `Bearer ${key}` } }),
  );
  return { status: response.status, body: (await response.json()) as Answer };
}

beforeAll(async () => {
  const user = await test.db.user.create({ data: { name: uniqueName("viewer"), role: "viewer" } });
  key = generateApiKey();
  await test.db.apiKey.create({
    data: { name: "k", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
  });
  const queue = uniqueName("q");
  const flow = await seedFlow(test.db, stars(uniqueName()));
  const deployment = await createDeployment(test.db, {
    flow: flow.name,
    name: "test",
    parameters: {},
    workQueue: queue,
    tags: [],
    retries: 0,
    retryDelaySeconds: 0,
    runner: "process",
  });
  runId = (
    await createFlowRun(test.db, { deploymentId: deployment.id, parameters: {}, leaseMs: 15_000 })
  ).id;
  const agent = await testAgent(test.db, queue);
  await executeMapped(test.db, await agent.claim(), (task, item, inputs) => {
    if (FAILING.has(item)) throw new Error(`no such repo ${String(inputs.repos)}`);
    return task === "get_stars" ? item * 10 : 0;
  });
});

describe("a mapped task in the flow run", () => {
  it("is one entry with its items counted by state; the task after it did not run", async () => {
    const { status, body } = await get(`/api/v1/flow-runs/${runId}`);
    expect(status).toBe(200);
    expect(body.state).toBe("Failed");
    expect(body.taskRuns.map((t) => t.name)).toEqual(["get_stars", "total"]);
    const [mapped, total] = body.taskRuns;
    expect(mapped).toMatchObject({
      state: "Failed",
      error: { message: "item 3 failed: no such repo org/repo-3" },
      items: {
        count: 10,
        states: {
          Pending: 0,
          Running: 0,
          Retrying: 0,
          Completed: 8,
          Cached: 0,
          Failed: 2,
          Cancelled: 0,
          Crashed: 0,
          NotRun: 0,
        },
        map: ["repos"],
        mapFailure: "fail",
      },
    });
    expect(total!.state).toBe("NotRun");
    expect(total).not.toHaveProperty("items");
  });
});

describe("GET /api/v1/flow-runs/{id}/tasks/{task}/items", () => {
  it("lists the items in index order with their input, result, error and attempts", async () => {
    const { status, body } = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/items`);
    expect(status).toBe(200);
    expect(body.total).toBe(10);
    expect(body.next).toBeNull();
    expect(body.items.map((i) => i.index)).toEqual([...REPOS.keys()]);
    expect(body.items[2]).toMatchObject({
      index: 2,
      state: "Completed",
      attempts: 1,
      input: '"org/repo-2"',
      result: 20,
      error: null,
      startedAt: expect.stringMatching(/\.\d{3}Z$/),
      endedAt: expect.stringMatching(/\.\d{3}Z$/),
    });
    expect(body.items[3]).toMatchObject({
      state: "Failed",
      result: null,
      error: { type: "Error", message: "no such repo org/repo-3" },
    });
  });

  it("pages with offset and limit, and filters by state", async () => {
    const first = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/items?limit=4`);
    expect(first.body.items.map((i) => i.index)).toEqual([0, 1, 2, 3]);
    expect(first.body.next).toBe(4);
    const last = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/items?limit=4&offset=8`);
    expect(last.body.items.map((i) => i.index)).toEqual([8, 9]);
    expect(last.body.next).toBeNull();

    const failed = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/items?state=Failed`);
    expect(failed.body).toMatchObject({ total: 2, next: null });
    expect(failed.body.items.map((i) => i.index)).toEqual([3, 7]);
    const paged = await get(
      `/api/v1/flow-runs/${runId}/tasks/get_stars/items?state=Completed,Failed&limit=5&offset=5`,
    );
    expect(paged.body.total).toBe(10);
    expect(paged.body.items.map((i) => i.index)).toEqual([5, 6, 7, 8, 9]);
  });

  it("answers 404 for an unknown run, an unknown task and a task that is not mapped", async () => {
    const noRun = await get(`/api/v1/flow-runs/${crypto.randomUUID()}/tasks/get_stars/items`);
    expect(noRun.status).toBe(404);
    expect(noRun.body.error.message).toMatch(/^flow run ".*" was not found$/);
    const noTask = await get(`/api/v1/flow-runs/${runId}/tasks/get_star/items`);
    expect(noTask.status).toBe(404);
    expect(noTask.body.error.message).toBe(
      `flow run ${runId} has no task "get_star" (did you mean "get_stars"?)`,
    );
    const unmapped = await get(`/api/v1/flow-runs/${runId}/tasks/total/items`);
    expect(unmapped.status).toBe(404);
    expect(unmapped.body.error.message).toMatch(
      /^task "total" of flow run .* is not mapped, so it has no items \(mapped tasks: get_stars\)/,
    );
  });

  it.each([
    ["state=Done", "state"],
    ["limit=0", "limit"],
    ["limit=5000", "limit"],
    ["offset=-1", "offset"],
    ["offset=x", "offset"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    const { status, body } = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/items?${query}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain(parameter);
  });
});

describe("one item: GET …/tasks/{task}?item=N and …/result?item=N", () => {
  it("reads an item's attempts with their errors, and its result", async () => {
    const failed = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars?item=3`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      name: "get_stars",
      state: "Failed",
      attempts: [{ n: 1, state: "Failed", error: { message: "no such repo org/repo-3" } }],
      result: { kind: "none" },
    });
    const done = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars?item=2`);
    expect(done.body).toMatchObject({ state: "Completed", result: { kind: "value", value: 20 } });
    const result = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars/result?item=2`);
    expect(result).toEqual({ status: 200, body: 20 });
    // The task as a whole: the list of its items' results.
    const whole = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars`);
    expect(whole.body).toMatchObject({ state: "Failed", attempts: [{ n: 1 }] });
  });

  it("answers 404 for an item the task does not have, and for items of a task that is not mapped", async () => {
    const missing = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars?item=42`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      `task "get_stars" of flow run ${runId} has no item 42: its items are 0 to 9`,
    );
    const unmapped = await get(`/api/v1/flow-runs/${runId}/tasks/total/result?item=0`);
    expect(unmapped.status).toBe(404);
    expect(unmapped.body.error.message).toBe(
      `task "total" of flow run ${runId} has no items (it is not mapped, or has not started)`,
    );
    const bad = await get(`/api/v1/flow-runs/${runId}/tasks/get_stars?item=x`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("item");
  });
});

describe("an item's logs and state changes", () => {
  it("log lines carry the item, and task=…&item=N reads only that item's lines", async () => {
    const all = await get(`/api/v1/flow-runs/${runId}/logs`);
    expect(all.body.logs).toHaveLength(10);
    expect(all.body.logs.map((l) => l.item)).toEqual([...REPOS.keys()]);
    const one = await get(`/api/v1/flow-runs/${runId}/logs?task=get_stars&item=7`);
    expect(one.status).toBe(200);
    expect(one.body.logs).toEqual([
      expect.objectContaining({
        task: "get_stars",
        item: 7,
        attempt: 1,
        message: 'item 7 of get_stars: "org/repo-7"',
      }),
    ]);
    const none = await get(`/api/v1/flow-runs/${runId}/logs?task=total&item=7`);
    expect(none.body.logs).toEqual([]);

    const download = await dispatch(
      new Request(
        `http://127.0.0.1/api/v1/flow-runs/${runId}/logs/download?task=get_stars&item=7`,
        { headers: { authorization: `Bearer ${key}` } },
      ),
    );
    expect(await download.text()).toMatch(
      /^\S+Z get_stars\[7\]#1 INFO item 7 of get_stars: "org\/repo-7"\n$/,
    );

    const noTask = await get(`/api/v1/flow-runs/${runId}/logs?item=7`);
    expect(noTask.status).toBe(400);
    expect(noTask.body.error.message).toBe(
      "item 7 of which task? Pass task with item (task=NAME&item=7)",
    );
    const bad = await get(`/api/v1/flow-runs/${runId}/logs?task=get_stars&item=-2`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("item");
  });

  it("the state history names the item of an item's event", async () => {
    const { body } = await get(`/api/v1/flow-runs/${runId}/history`);
    const failed = body.events.filter((e) => e.task === "get_stars" && e.to === "Failed");
    expect(failed.map((e) => e.item)).toEqual([3, 7, null]);
    const own = body.events.filter((e) => e.task === null);
    expect(own.every((e) => e.item === null)).toBe(true);
  });
});
