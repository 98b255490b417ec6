// Mapped tasks end to end on the real server domain and a real agent process (the bundle a VM
// downloads), on PGlite and on PostgreSQL: the seed's example as a Pipebook flow, item failures
// with either policy, and what the database holds afterwards — a task run per item.
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, seedFlow, uniqueName } from "../../test/support/seed.ts";
import { createDeployment } from "../deployments/create-deployment.ts";
import { reapExpiredLeases } from "./state-machine/index.ts";
import { applyReport } from "./apply-report.ts";
import { claimRuns } from "../agents/claim-runs.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { createFlowRun } from "./create-flow-run.ts";
import { waitForFlowRun } from "./wait-for-run.ts";

const test = freshDatabase();
const server = liveServer(test);
beforeAll(() => {
  startLiveAgent(server);
});

async function run(
  flow: FlowFileInput,
  parameters: Record<string, unknown>,
  options: { retries?: number } = {},
) {
  let deploymentId: string;
  if (options.retries) {
    const saved = await seedFlow(test.db, flow);
    ({ id: deploymentId } = await createDeployment(test.db, {
      flow: saved.name,
      name: "retried",
      parameters: {},
      workQueue: "default",
      tags: [],
      retries: options.retries,
      retryDelaySeconds: 0,
      runner: "process",
    }));
  } else ({ deploymentId } = await seedDeployment(test.db, flow));
  const { id } = await createFlowRun(test.db, { deploymentId, parameters, leaseMs: 15_000 });
  const view = await waitForFlowRun(test.db, id, {
    timeoutMs: 60_000,
    lateAfterMs: 60_000,
    leaseMs: 15_000,
  });
  const items = await test.db.taskRun.findMany({
    where: { flowRunId: id, mapIndex: { gte: 0 } },
    orderBy: [{ name: "asc" }, { mapIndex: "asc" }],
    select: {
      name: true,
      mapIndex: true,
      state: true,
      attempts: true,
      inputPreview: true,
      error: true,
      result: { select: { value: true } },
    },
  });
  return { id, view, items };
}

const repos = () => ({
  name: uniqueName("stars"),
  parameters: {
    type: "object" as const,
    properties: { repos: { type: "array" as const, items: { type: "string" as const } } },
  },
});

describe("mapped tasks with a real agent", () => {
  it("runs the seed's example: get_stars mapped over repos with retries, one item failing twice", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "get_stars",
          language: "python",
          map: "repos",
          retries: 3,
          code: [
            "import os",
            "def main(repos):",
            "    print('fetching', repos)",
            "    if repos == 'PrefectHQ/flaky':",
            "        marker = 'flaky-attempts'",
            "        n = int(open(marker).read()) if os.path.exists(marker) else 0",
            "        open(marker, 'w').write(str(n + 1))",
            "        if n < 2:",
            "            raise RuntimeError('GitHub said 502')",
            "    return len(repos)",
          ].join("\n"),
        },
        {
          name: "report",
          language: "typescript",
          dependsOn: ["get_stars"],
          code: "export default ({ get_stars }: { get_stars: number[] }) => get_stars.reduce((a, b) => a + b, 0);",
        },
      ],
    };
    const { view, items } = await run(flow, {
      repos: ["PrefectHQ/prefect", "PrefectHQ/flaky", "dask/dask"],
    });
    expect(view.state).toBe("Completed");
    expect(view.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["get_stars", "Completed", [17, 15, 9]],
      ["report", "Completed", 41],
    ]);
    expect(
      items.map((i) => [i.mapIndex, i.state, i.attempts, i.inputPreview, i.result?.value]),
    ).toEqual([
      [0, "Completed", 1, '"PrefectHQ/prefect"', 17],
      [1, "Completed", 3, '"PrefectHQ/flaky"', 15],
      [2, "Completed", 1, '"dask/dask"', 9],
    ]);
    const lines = await test.db.logChunk.findMany({
      where: { taskName: "get_stars", mapIndex: 1 },
      select: { messages: true, attempt: true },
    });
    expect(lines.flatMap((c) => c.messages as string[])).toContain("fetching PrefectHQ/flaky");
  });

  it("fails the mapped task when an item fails: downstream NotRun, the cause naming the item", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "each",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    if repos == 'gone':\n        raise LookupError('404 not found')\n    return repos\n",
        },
        { name: "after", language: "shell", dependsOn: ["each"], code: "echo $EACH" },
      ],
    };
    const { view, items } = await run(flow, { repos: ["here", "gone", "there"] });
    expect(view.state).toBe("Failed");
    const [each, after] = view.taskRuns;
    expect(each).toMatchObject({
      state: "Failed",
      error: {
        type: "ItemFailed",
        message: 'item 1 ("gone") of 3 failed: LookupError: 404 not found',
      },
    });
    expect(after).toMatchObject({ state: "NotRun", error: { upstream: "each" } });
    expect(items.map((i) => i.state)).toEqual(["Completed", "Failed", "Completed"]);
  });

  it("passes the failures downstream with mapFailure: continue", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "each",
          language: "python",
          map: "repos",
          mapFailure: "continue",
          code: "def main(repos):\n    if repos == 'gone':\n        raise LookupError('404 not found')\n    return repos\n",
        },
        {
          name: "after",
          language: "python",
          dependsOn: ["each"],
          code: "def main(each, each_failures):\n    return {'ok': each, 'failed': [f['index'] for f in each_failures]}\n",
        },
      ],
    };
    const { view } = await run(flow, { repos: ["here", "gone", "there"] });
    expect(view.state).toBe("Completed");
    expect(view.taskRuns.find((t) => t.name === "after")?.result).toEqual({
      ok: ["here", "there"],
      failed: [1],
    });
  });

  it("runs a chain of two mapped tasks item by item, and an empty list", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "first",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    return repos + '!'\n",
        },
        {
          name: "second",
          language: "shell",
          dependsOn: ["first"],
          map: "first",
          code: 'echo "$FIRST?"',
        },
        {
          name: "count",
          language: "python",
          dependsOn: ["second"],
          code: "def main(second):\n    return len(second)\n",
        },
      ],
    };
    const chained = await run(flow, { repos: ["a", "b"] });
    expect(chained.view.taskRuns.map((t) => t.result)).toEqual([["a!", "b!"], ["a!?", "b!?"], 2]);
    const empty = await run({ ...flow, name: uniqueName("empty") }, { repos: [] });
    expect(empty.view.state).toBe("Completed");
    expect(empty.view.taskRuns.map((t) => t.result)).toEqual([[], [], 0]);
    expect(empty.items).toEqual([]);
  });

  it("caches each item on its own: a second run reuses the items whose inputs it saw before", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "each",
          language: "python",
          map: "repos",
          cache: { key: "inputs" },
          code: "def main(repos):\n    return repos.upper()\n",
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow);
    const once = async (list: string[]) => {
      const { id } = await createFlowRun(test.db, {
        deploymentId,
        parameters: { repos: list },
        leaseMs: 15_000,
      });
      const view = await waitForFlowRun(test.db, id, {
        timeoutMs: 60_000,
        lateAfterMs: 60_000,
        leaseMs: 15_000,
      });
      const items = await test.db.taskRun.findMany({
        where: { flowRunId: id, mapIndex: { gte: 0 } },
        orderBy: { mapIndex: "asc" },
        select: { state: true },
      });
      return { result: view.taskRuns[0]?.result, states: items.map((i) => i.state) };
    };
    const names = Array.from({ length: 30 }, (_, i) => `repo${i}`);
    expect((await once(names)).states.every((s) => s === "Completed")).toBe(true);
    const again = await once([...names.slice(0, 20), "new"]);
    expect(again.result).toEqual([...names.slice(0, 20), "new"].map((n) => n.toUpperCase()));
    expect(again.states).toEqual([...Array(20).fill("Cached"), "Completed"]);
  });

  it("resumes a mapped task on a flow-level retry: only the failed item runs again", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "each",
          language: "python",
          map: "repos",
          code: [
            "import os",
            "def main(repos):",
            "    # Item attempts count on across the flow run's attempts: this one fails its first.",
            "    if repos == 'once' and os.environ['PIPEBOOK_ATTEMPT'] == '1':",
            "        raise RuntimeError('first time fails')",
            "    return f\"{repos}@{os.environ['PIPEBOOK_ATTEMPT']}\"",
          ].join("\n"),
        },
      ],
    };
    const first = await run(flow, { repos: ["a", "once", "b"] }, { retries: 1 });
    const { id } = first;
    let view = first.view;
    // The first attempt failed and the run was queued again; wait for the retry's end.
    const deadline = Date.now() + 60_000;
    while (view.attempt < 2 || !["Completed", "Failed"].includes(view.state)) {
      if (Date.now() > deadline) break;
      view = await waitForFlowRun(test.db, id, {
        timeoutMs: 5_000,
        lateAfterMs: 60_000,
        leaseMs: 15_000,
      });
    }
    expect(view).toMatchObject({ state: "Completed", attempt: 2 });
    expect(view.taskRuns[0]?.result).toEqual(["a@1", "once@2", "b@1"]);
    const items = await test.db.taskRun.findMany({
      where: { flowRunId: id, mapIndex: { gte: 0 } },
      orderBy: { mapIndex: "asc" },
      select: {
        name: true,
        mapIndex: true,
        state: true,
        attempts: true,
        inputPreview: true,
        error: true,
        result: { select: { value: true } },
      },
    });
    expect(items.map((i) => [i.state, i.attempts])).toEqual([
      ["Completed", 1],
      ["Completed", 2],
      ["Completed", 1],
    ]);
  });
});

describe("a mapped run whose agent vanished", () => {
  it("leaves no item Running or Pending: the reaper crashes the started ones and skips the rest", async () => {
    const flow: FlowFileInput = {
      ...repos(),
      tasks: [
        {
          name: "each",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    return 1\n",
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow, "nobody-serves-this");
    const { id } = await createFlowRun(test.db, {
      deploymentId,
      parameters: { repos: ["1", "2", "3"] },
      leaseMs: 15_000,
    });
    // Claimed and half run by an agent that then disappeared (its reports through the real path).
    const agent = await registerAgent(
      test.db,
      {
        name: "gone",
        hostname: "",
        version: "",
        queues: ["nobody-serves-this"],
        tags: [],
        concurrency: 1,
      },
      { leaseMs: 15_000, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 },
    );
    const [claimed] = await claimRuns(test.db, {
      agentId: agent.id,
      capacity: 1,
      waitMs: 0,
      leaseMs: 15_000,
    });
    const at = () => new Date().toISOString();
    await applyReport(
      test.db,
      id,
      {
        leaseId: claimed!.leaseId,
        seq: 1,
        logs: [],
        events: [
          { type: "flow", state: "Running", at: at() },
          { type: "task", task: "each", state: "Running", at: at(), attempt: 1 },
          { type: "map", task: "each", at: at(), count: 3, from: 0, previews: ["1", "2", "3"] },
          { type: "task", task: "each", item: 0, state: "Running", at: at(), attempt: 1 },
          {
            type: "task",
            task: "each",
            item: 0,
            state: "Completed",
            at: at(),
            attempt: 1,
            result: 1,
          },
          { type: "task", task: "each", item: 1, state: "Running", at: at(), attempt: 1 },
        ],
      },
      { leaseMs: 15_000 },
    );
    await test.db.flowRun.update({
      where: { id },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    await test.db.$transaction((tx) => reapExpiredLeases(tx, { reattachGraceMs: 0 }));
    const rows = await test.db.taskRun.findMany({
      where: { flowRunId: id },
      orderBy: { mapIndex: "asc" },
      select: { mapIndex: true, state: true },
    });
    expect(rows.map((r) => [r.mapIndex, r.state])).toEqual([
      [-1, "Crashed"],
      [0, "Completed"],
      [1, "Crashed"],
      [2, "NotRun"],
    ]);
  });
});
