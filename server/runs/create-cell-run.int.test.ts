import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { mappedFlow } from "../../test/support/mapped-run.ts";
import { seedDeployment, seedFlow, threeTasks, uniqueName } from "../../test/support/seed.ts";
import { testAgent } from "../../test/support/simulated-agent.ts";
import { claimRuns } from "../agents/claim-runs.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { createCellRun } from "./create-cell-run.ts";
import { createFlowRun } from "./create-flow-run.ts";
import { getFlowRun } from "./get-flow-run.ts";
import { transitionFlowRun, transitionTaskRuns } from "./state-machine/index.ts";

const test = freshDatabase();
const timings = { leaseMs: 15_000, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 };

async function claimOn(queue: string) {
  const agent = await registerAgent(
    test.db,
    { name: "a", hostname: "", version: "", queues: [queue], tags: [], concurrency: 1 },
    timings,
  );
  return claimRuns(test.db, { agentId: agent.id, capacity: 1, waitMs: 0, leaseMs: 15_000 });
}

/** A finished run of the deployment in which extract returned 41 and report 42. */
async function completedRun(deploymentId: string) {
  const run = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  await transitionFlowRun(test.db, { id: run.id, from: ["Scheduled"], to: "Pending" });
  await transitionFlowRun(test.db, { id: run.id, from: ["Pending"], to: "Running" });
  await transitionTaskRuns(test.db, { flowRunId: run.id, from: ["Pending"], to: "Running" });
  await transitionTaskRuns(test.db, { flowRunId: run.id, from: ["Running"], to: "Completed" });
  for (const [name, value] of [
    ["extract", 41],
    ["report", 42],
  ] as const) {
    const task = await test.db.taskRun.findFirstOrThrow({ where: { flowRunId: run.id, name } });
    await test.db.result.create({ data: { taskRunId: task.id, value } });
  }
  await transitionFlowRun(test.db, { id: run.id, from: ["Running"], to: "Completed" });
  return run.id;
}

describe("notebook cell runs", () => {
  it("run the cell with its upstream results from the last run, on the deployment's queue", async () => {
    const queue = uniqueName("q");
    const { flow, deploymentId } = await seedDeployment(test.db, undefined, queue);
    const earlier = await completedRun(deploymentId);

    const cell = await createCellRun(test.db, { flow: flow.name, version: 1, task: "notify" });
    expect(cell).toMatchObject({ run: ["notify"], reused: ["extract", "report"] });
    const view = await getFlowRun(test.db, cell.id, { lateAfterMs: 60_000, leaseMs: 15_000 });
    expect(view).toMatchObject({ cellTask: "notify", workQueue: queue, state: "Scheduled" });
    expect(view.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["extract", "Cached", 41],
      ["report", "Cached", 42],
      ["notify", "Pending", null],
    ]);
    const history = await test.db.taskRunStateEvent.findFirstOrThrow({
      where: { flowRunId: cell.id, toState: "Cached" },
    });
    expect(history.message).toBe(`result reused from run ${earlier}`);

    // The agent gets the upstream results as completed: only the cell's task is left to run.
    const [claimed] = await claimOn(queue);
    expect(claimed).toMatchObject({ flowRunId: cell.id, deployment: { id: deploymentId } });
    expect(claimed!.tasks.map((t) => t.name)).toEqual(["extract", "report", "notify"]);
    expect(claimed!.completed).toEqual({
      extract: { state: "Cached", result: 41 },
      report: { state: "Cached", result: 42 },
    });
  });

  it("re-runs an upstream task whose code changed since its result, and what depends on it", async () => {
    const file = threeTasks();
    const { flow, deploymentId } = await seedDeployment(test.db, file, uniqueName("q"));
    await completedRun(deploymentId);
    const changed = structuredClone(file);
    changed.tasks![0]!.code = "export default function main() { return 2 }"; // report
    const saved = await seedFlow(test.db, changed);
    expect(saved.version).toBe(2);

    const cell = await createCellRun(test.db, { flow: flow.name, version: 2, task: "notify" });
    expect(cell).toMatchObject({ run: ["report", "notify"], reused: ["extract"] });
  });

  it("reuses a mapped upstream whole: it reads ×N, Cached, with its list of results", async () => {
    const flow = mappedFlow();
    const queue = uniqueName("q");
    const { deploymentId } = await seedDeployment(test.db, flow, queue);
    await createFlowRun(test.db, { deploymentId, parameters: { xs: [2, 3, 4] }, leaseMs: 15_000 });
    const agent = await testAgent(test.db, queue);
    await agent.execute((task, inputs) =>
      task === "square" ? (inputs.xs as number) ** 2 : task === "total" ? 29 : 1,
    );

    const cell = await createCellRun(test.db, { flow: flow.name, version: 1, task: "total" });
    expect(cell).toMatchObject({ run: ["total"], reused: ["prepare", "square"] });
    const view = await getFlowRun(test.db, cell.id, { lateAfterMs: 60_000, leaseMs: 15_000 });
    expect(view.taskRuns.find((t) => t.name === "square")).toMatchObject({
      state: "Cached",
      result: [4, 9, 16],
      items: { count: 3 },
    });
  });

  it("with no earlier run and no deployment, runs the upstream first on the default queue", async () => {
    const { name } = await seedFlow(test.db);
    const cell = await createCellRun(test.db, { flow: name, version: 1, task: "report" });
    expect(cell).toMatchObject({ run: ["extract", "report"], reused: [] });
    const view = await getFlowRun(test.db, cell.id, { lateAfterMs: 60_000, leaseMs: 15_000 });
    expect(view).toMatchObject({ deployment: null, workQueue: "default", parameters: { n: 1 } });
    expect(view.taskRuns.map((t) => t.name)).toEqual(["extract", "report"]);
    // Downstream of the cell nothing runs: the agent is not even given those tasks.
    const [claimed] = await claimOn("default");
    expect(claimed).toMatchObject({ flowRunId: cell.id, deployment: { id: null } });
    expect(claimed!.tasks.map((t) => t.name)).toEqual(["extract", "report"]);
    expect(claimed!.completed).toEqual({});
  });

  it("refuses an unknown task, version or flow, and parameters of the wrong type", async () => {
    const { name } = await seedFlow(test.db);
    await expect(
      createCellRun(test.db, { flow: name, version: 1, task: "nope" }),
    ).rejects.toMatchObject({ code: "not_found", message: expect.stringContaining('"nope"') });
    await expect(
      createCellRun(test.db, { flow: name, version: 9, task: "report" }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      createCellRun(test.db, { flow: uniqueName(), version: 1, task: "report" }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      createCellRun(test.db, { flow: name, version: 1, task: "report", parameters: { n: "x" } }),
    ).rejects.toMatchObject({ code: "invalid_parameters", message: expect.stringContaining("n") });
    expect(await test.db.flowRun.count({ where: { flow: { name } } })).toBe(0);
  });
});
