// Caching end to end with a real agent process, on PGlite and PostgreSQL: each key policy over a
// second run, a code change, "refresh caches" and expiry — and where a Cached task's result came
// from, as the API returns it.
import { beforeAll, describe, expect, it } from "vitest";
import { FlowRunSchema } from "../../contract/api-v1.ts";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { redeploy, seedDeployment, seedFlow, uniqueName } from "../../test/support/seed.ts";
import { CACHE_ORIGIN_SELECT, toCacheOrigin } from "./cache-origin.ts";
import { createFlowRun } from "./create-flow-run.ts";
import { waitForFlowRun } from "./wait-for-run.ts";

const test = freshDatabase();
const server = liveServer(test);
beforeAll(() => {
  startLiveAgent(server);
});

const WAIT = { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 };

async function run(deploymentId: string, options: { x?: number; refreshCaches?: boolean } = {}) {
  const { id } = await createFlowRun(test.db, {
    deploymentId,
    parameters: { x: options.x ?? 1 },
    leaseMs: 15_000,
    refreshCaches: options.refreshCaches,
  });
  const view = await waitForFlowRun(test.db, id, WAIT);
  expect(view.state).toBe("Completed");
  return {
    id,
    states: Object.fromEntries(view.taskRuns.map((t) => [t.name, t.state])),
    results: Object.fromEntries(view.taskRuns.map((t) => [t.name, t.result])),
  };
}

/** The run as an outside script sees it: GET /api/v1/flow-runs/{id}. */
async function apiRun(id: string) {
  const response = await fetch(`${server.url}/api/v1/flow-runs/${id}`, {
    headers: { authorization: `Bearer ${server.apiKey}` },
  });
  expect(response.status).toBe(200);
  return FlowRunSchema.parse(await response.json());
}

const policies = (name: string, comment = ""): FlowFileInput => ({
  name,
  parameters: { type: "object", properties: { x: { type: "integer" } }, required: ["x"] },
  tasks: [
    {
      name: "by_code",
      language: "python",
      cache: {},
      code: `def main(x):${comment}\n    return x * 2\n`,
    },
    {
      name: "by_inputs",
      language: "typescript",
      cache: { key: "inputs" },
      code: `export default function main({ x }: { x: number }) {${comment ? " //" + comment : ""}\n  return x + 1;\n}\n`,
    },
    {
      name: "never",
      language: "shell",
      cache: { key: "none" },
      code: `echo $((X * 3))${comment ? " #" + comment : ""}\n`,
    },
  ],
});

describe("cache key policies with a real agent", () => {
  it("skips cached tasks on a second run, and says where their results came from", async () => {
    const { deploymentId } = await seedDeployment(test.db, policies(uniqueName("cache")));
    const first = await run(deploymentId);
    expect(first.states).toEqual({
      by_code: "Completed",
      by_inputs: "Completed",
      never: "Completed",
    });

    const second = await run(deploymentId);
    expect(second.states).toEqual({ by_code: "Cached", by_inputs: "Cached", never: "Completed" });
    expect(second.results).toEqual({ by_code: 2, by_inputs: 2, never: 3 });

    const view = await apiRun(second.id);
    const byCode = view.taskRuns.find((t) => t.name === "by_code")!;
    expect(byCode.resultFrom).toBe(first.id);
    expect(byCode.cachedFrom).toMatchObject({ flowRunId: first.id, task: "by_code", item: null });
    expect(Date.parse(byCode.cachedFrom!.madeAt!)).toBeLessThanOrEqual(Date.parse(view.createdAt));
    expect(view.taskRuns.find((t) => t.name === "never")!.cachedFrom).toBeNull();

    // Other inputs are other keys.
    const other = await run(deploymentId, { x: 5 });
    expect(other.states).toEqual({
      by_code: "Completed",
      by_inputs: "Completed",
      never: "Completed",
    });
  });

  it("after a code change: code+inputs runs again, inputs keeps its cache, none always runs", async () => {
    const name = uniqueName("cache");
    const { deploymentId } = await seedDeployment(test.db, policies(name));
    await run(deploymentId);
    await seedFlow(test.db, policies(name, " # edited"));
    const changed = await redeploy(test.db, name, {});
    expect(changed.id).toBe(deploymentId);
    const after = await run(deploymentId);
    expect(after.states).toEqual({ by_code: "Completed", by_inputs: "Cached", never: "Completed" });
  });

  it('"refresh caches" runs cached tasks again and their fresh results become the cache', async () => {
    const { deploymentId } = await seedDeployment(test.db, policies(uniqueName("cache")));
    await run(deploymentId);
    const refreshed = await run(deploymentId, { refreshCaches: true });
    expect(refreshed.states).toEqual({
      by_code: "Completed",
      by_inputs: "Completed",
      never: "Completed",
    });
    const next = await run(deploymentId);
    expect(next.states).toMatchObject({ by_code: "Cached", by_inputs: "Cached" });
    const view = await apiRun(next.id);
    for (const t of view.taskRuns.filter((t) => t.state === "Cached")) {
      expect(t.cachedFrom?.flowRunId).toBe(refreshed.id);
    }
  });

  it("a mapped task's Cached items name the items they reused", async () => {
    const flow: FlowFileInput = {
      name: uniqueName("cache"),
      parameters: { type: "object", properties: { x: { type: "integer" } } },
      tasks: [
        {
          name: "each",
          language: "python",
          map: "x_list",
          dependsOn: ["x_list"],
          cache: {},
          code: "def main(x_list):\n    return x_list * 10\n",
        },
        {
          name: "x_list",
          language: "python",
          code: "def main(x):\n    return [x, x + 1, x + 2]\n",
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow);
    const first = await run(deploymentId);
    const second = await run(deploymentId);
    expect(second.results.each).toEqual([10, 20, 30]);
    const items = await test.db.taskRun.findMany({
      where: { flowRunId: second.id, name: "each", mapIndex: { gte: 0 } },
      orderBy: { mapIndex: "asc" },
      select: { state: true, ...CACHE_ORIGIN_SELECT },
    });
    expect(items.map((i) => i.state)).toEqual(["Cached", "Cached", "Cached"]);
    expect(items.map((i) => toCacheOrigin(i.resultFromTaskRun))).toEqual(
      [0, 1, 2].map((item) => expect.objectContaining({ flowRunId: first.id, task: "each", item })),
    );
  });

  it("runs a cached task again once its entry expired", async () => {
    const flow: FlowFileInput = {
      name: uniqueName("cache"),
      parameters: { type: "object", properties: { x: { type: "integer" } } },
      tasks: [
        {
          name: "short",
          language: "python",
          cache: { expiresSeconds: 3 },
          code: "def main(x):\n    return x\n",
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow);
    const first = await run(deploymentId);
    const entry = await test.db.result.findFirstOrThrow({
      where: { taskRun: { flowRunId: first.id } },
      select: { expiresAt: true, createdAt: true },
    });
    expect(entry.expiresAt!.getTime() - entry.createdAt.getTime()).toBeGreaterThan(2_000);
    expect((await run(deploymentId)).states.short).toBe("Cached");
    await new Promise((r) => setTimeout(r, entry.expiresAt!.getTime() - Date.now() + 200));
    expect((await run(deploymentId)).states.short).toBe("Completed");
  });
});
