// Replays of runs with a mapped task, on the server's side: the replay keeps the mapped task's
// completed items (Cached in the new run, results copied, naming the run that made them), the
// claim hands them to the agent as the task's completed items, and only the others run again.
// (The same with the agent's real executor: replay-mapped-agent.int.test.ts.)
import { describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { seedFlow, uniqueName } from "../../../test/support/seed.ts";
import {
  executeMapped,
  type ItemBehaviour,
  testAgent,
} from "../../../test/support/simulated-agent.ts";
import { createDeployment } from "../../deployments/create-deployment.ts";
import { createFlowRun } from "../create-flow-run.ts";
import { getFlowRun } from "../get-flow-run.ts";
import { listItems } from "../items/list-items.ts";
import { listFlowRunLogs } from "../list-logs.ts";
import { replayFlowRun } from "./replay-flow-run.ts";

const test = freshDatabase();
const VIEW = { lateAfterMs: 60_000, leaseMs: 15_000 };
const REPOS = Array.from({ length: 10 }, (_, i) => `org/repo-${i}`);

const stars = (name: string, mapFailure: "fail" | "continue" = "fail"): FlowFileInput => ({
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
      mapFailure,
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

/** Items whose index is in `broken` fail; the others count stars (index × 10). */
const behave =
  (broken: ReadonlySet<number>): ItemBehaviour =>
  (task, item, inputs) => {
    if (task === "total") return (inputs.get_stars as number[]).reduce((a, b) => a + b, 0);
    if (broken.has(item)) throw new Error(`rate limited on ${String(inputs.repos)}`);
    return item * 10;
  };

async function failedRun(mapFailure: "fail" | "continue" = "fail", broken = [3, 7]) {
  const queue = uniqueName("q");
  const flow = await seedFlow(test.db, stars(uniqueName(), mapFailure));
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
  const agent = await testAgent(test.db, queue);
  const { id } = await createFlowRun(test.db, {
    deploymentId: deployment.id,
    parameters: {},
    leaseMs: 15_000,
  });
  const ran = await executeMapped(test.db, await agent.claim(), behave(new Set(broken)));
  expect(ran.filter((r) => r.task === "get_stars")).toHaveLength(10);
  return { id, agent };
}

const indexes = (items: { index: number }[]) => items.map((i) => i.index);

describe("Retry from failure of a run whose mapped task failed in some items", () => {
  it("keeps the completed items and runs only the failed ones again; the result is the whole list", async () => {
    const first = await failedRun();
    expect((await getFlowRun(test.db, first.id, VIEW)).state).toBe("Failed");

    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromFailure",
      version: "run",
    });
    expect(replay.rerun).toEqual(["get_stars", "total"]);
    expect(replay.reusedItems).toEqual([{ task: "get_stars", items: 8 }]);
    expect(replay.tasks[0]).toMatchObject({
      name: "get_stars",
      detail: `Failed in run ${first.id.slice(0, 8)}: 2 of 10 items run again, 8 reused`,
      items: { reuse: 8, rerun: 2 },
    });

    // Before an agent takes it: the kept items are in the new run already, Cached from the first.
    const kept = await listItems(test.db, replay.id, "get_stars", { offset: 0, limit: 100 });
    expect(indexes(kept.items)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    expect(kept.items[3]).toMatchObject({
      index: 4,
      state: "Cached",
      attempts: 0,
      input: '"org/repo-4"',
      result: 40,
      resultFrom: first.id,
    });

    expect((await getFlowRun(test.db, replay.id, VIEW)).taskRuns[0]).toMatchObject({
      state: "Pending",
      items: { count: 10, states: { Cached: 8, Pending: 2 } },
    });

    // The claim hands them to the agent as the task's completed items.
    const claimed = await first.agent.claim();
    expect(claimed.flowRunId).toBe(replay.id);
    expect(Object.keys(claimed.completed)).toEqual([]);
    expect(claimed.items.get_stars).toEqual({
      completed: Object.fromEntries(
        [0, 1, 2, 4, 5, 6, 8, 9].map((i) => [String(i), { state: "Cached", result: i * 10 }]),
      ),
      attempts: Object.fromEntries([0, 1, 2, 4, 5, 6, 8, 9].map((i) => [String(i), 0])),
    });

    // Fixed: the two items run (once each), then total.
    const ran = await executeMapped(test.db, claimed, behave(new Set()));
    expect(ran).toEqual([
      { task: "get_stars", item: 3, attempt: 1 },
      { task: "get_stars", item: 7, attempt: 1 },
      { task: "total", item: -1, attempt: 1 },
    ]);
    const run = await getFlowRun(test.db, replay.id, VIEW);
    expect(run.state).toBe("Completed");
    const [mapped, total] = run.taskRuns;
    expect(mapped).toMatchObject({
      state: "Completed",
      result: REPOS.map((_, i) => i * 10),
      items: { count: 10, states: { Completed: 2, Cached: 8, Failed: 0, Pending: 0 } },
    });
    expect(total).toMatchObject({ state: "Completed", result: 450 });
    const items = await listItems(test.db, replay.id, "get_stars", { offset: 0, limit: 100 });
    expect(items.items.map((i) => [i.index, i.state, i.attempts, i.resultFrom])).toEqual(
      REPOS.map((_, i) =>
        i === 3 || i === 7 ? [i, "Completed", 1, null] : [i, "Cached", 0, first.id],
      ),
    );
    // Only the items that ran printed anything.
    const logs = await listFlowRunLogs(test.db, replay.id, { limit: 100 });
    expect(logs.logs.map((l) => l.item)).toEqual([3, 7]);
  });

  it("Run from here on the mapped task does the same; a replay of the replay keeps the first producer", async () => {
    const first = await failedRun();
    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromTask",
      task: "get_stars",
      version: "run",
    });
    expect(replay.reusedItems).toEqual([{ task: "get_stars", items: 8 }]);
    // Still broken in item 7.
    const ran = await executeMapped(test.db, await first.agent.claim(), behave(new Set([7])));
    expect(ran.map((r) => r.item)).toEqual([3, 7]);
    expect((await getFlowRun(test.db, replay.id, VIEW)).state).toBe("Failed");

    const again = await replayFlowRun(test.db, {
      runId: replay.id,
      kind: "fromFailure",
      version: "run",
    });
    expect(again.reusedItems).toEqual([{ task: "get_stars", items: 9 }]);
    const before = await listItems(test.db, again.id, "get_stars", { offset: 0, limit: 100 });
    expect(before.items.map((i) => i.resultFrom)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 8, 9].map((i) => (i === 3 ? replay.id : first.id)),
    );
    const last = await executeMapped(test.db, await first.agent.claim(), behave(new Set()));
    expect(last.map((r) => `${r.task}:${r.item}`)).toEqual(["get_stars:7", "total:-1"]);
    expect((await getFlowRun(test.db, again.id, VIEW)).taskRuns[1]).toMatchObject({
      state: "Completed",
      result: 450,
    });
  });

  it("Retry runs every item again", async () => {
    const first = await failedRun();
    const replay = await replayFlowRun(test.db, { runId: first.id, kind: "retry", version: "run" });
    expect(replay.reusedItems).toEqual([]);
    const claimed = await first.agent.claim();
    expect(claimed.items).toEqual({});
    const ran = await executeMapped(test.db, claimed, behave(new Set()));
    expect(ran.filter((r) => r.task === "get_stars")).toHaveLength(10);
  });
});

describe("a mapped task reused whole", () => {
  it("brings its items into the replay, Cached from the run that made them", async () => {
    const first = await failedRun("fail", []);
    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromTask",
      task: "total",
      version: "run",
    });
    expect(replay.reused).toEqual([{ task: "get_stars", fromRun: first.id }]);
    expect(replay.reusedItems).toEqual([]);
    const items = await listItems(test.db, replay.id, "get_stars", { offset: 0, limit: 100 });
    expect(items.items.map((i) => [i.index, i.state, i.result, i.resultFrom])).toEqual(
      REPOS.map((_, i) => [i, "Cached", i * 10, first.id]),
    );
    const claimed = await first.agent.claim();
    expect(claimed.completed.get_stars).toEqual({
      state: "Cached",
      result: REPOS.map((_, i) => i * 10),
      failures: [],
    });
    expect(claimed.items).toEqual({});
    const ran = await executeMapped(test.db, claimed, behave(new Set()));
    expect(ran).toEqual([{ task: "total", item: -1, attempt: 1 }]);
    expect((await getFlowRun(test.db, replay.id, VIEW)).taskRuns[0]).toMatchObject({
      state: "Cached",
      resultFrom: first.id,
      items: { count: 10, states: { Cached: 10 } },
    });
  });
});

describe("a mapFailure: continue task that completed with failed items", () => {
  it("Retry from failure runs its failed items again, and the downstream sees no failures once they pass", async () => {
    const first = await failedRun("continue");
    const run = await getFlowRun(test.db, first.id, VIEW);
    expect(run.state).toBe("Completed");
    expect(run.taskRuns[0]!.result).toEqual([0, 10, 20, 40, 50, 60, 80, 90]);

    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromFailure",
      version: "run",
    });
    expect(replay.reusedItems).toEqual([{ task: "get_stars", items: 8 }]);
    const claimed = await first.agent.claim();
    const ran = await executeMapped(test.db, claimed, behave(new Set()));
    expect(ran.map((r) => `${r.task}:${r.item}`)).toEqual([
      "get_stars:3",
      "get_stars:7",
      "total:-1",
    ]);
    const fixed = await getFlowRun(test.db, replay.id, VIEW);
    expect(fixed.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["get_stars", "Completed", REPOS.map((_, i) => i * 10)],
      ["total", "Completed", 450],
    ]);
  });
});
