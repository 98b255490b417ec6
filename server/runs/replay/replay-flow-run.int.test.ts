import { describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { seedDeployment, seedFlow, uniqueName } from "../../../test/support/seed.ts";
import { testAgent, type Behaviour } from "../../../test/support/simulated-agent.ts";
import { createDeployment } from "../../deployments/create-deployment.ts";
import { waitFor } from "../../events/bus.ts";
import { cancelFlowRun } from "../cancel-flow-run.ts";
import { createCellRun } from "../create-cell-run.ts";
import { createFlowRun } from "../create-flow-run.ts";
import { getFlowRun } from "../get-flow-run.ts";
import { planReplay, replayFlowRun } from "./replay-flow-run.ts";

const test = freshDatabase();
const VIEW = { lateAfterMs: 60_000, leaseMs: 15_000 };

// extract → clean → report ← stats
function etl(name: string, clean = "    return extract + 1\n"): FlowFileInput {
  return {
    name,
    parameters: { type: "object", properties: { n: { type: "integer", default: 40 } } },
    tasks: [
      { name: "extract", language: "python", code: "def main(n):\n    return n + 1\n" },
      {
        name: "clean",
        language: "python",
        dependsOn: ["extract"],
        code: `def main(extract):\n${clean}`,
      },
      { name: "stats", language: "shell", code: "echo 7" },
      {
        name: "report",
        language: "python",
        dependsOn: ["clean", "stats"],
        code: "def main(clean, stats):\n    return clean + stats\n",
      },
    ],
  };
}
const BROKEN = '    raise ValueError("clean is broken")\n';

/** What the tasks compute (the simulated agent runs this instead of the code). */
const behave =
  (cleanWorks: boolean): Behaviour =>
  (task, i) => {
    if (task === "extract") return (i.n as number) + 1;
    if (task === "clean") {
      if (!cleanWorks) throw new Error("clean is broken");
      return (i.extract as number) + 1;
    }
    if (task === "stats") return 7;
    return (i.clean as number) + (i.stats as number);
  };

/** A deployed flow whose first run failed in clean (extract and stats completed, report NotRun). */
async function failedRun(retries = 0) {
  const queue = uniqueName("q");
  const flow = await seedFlow(test.db, etl(uniqueName(), BROKEN));
  const deployment = await createDeployment(test.db, {
    flow: flow.name,
    name: "test",
    parameters: {},
    workQueue: queue,
    tags: ["etl"],
    retries,
    retryDelaySeconds: 0,
    runner: "process",
  });
  const agent = await testAgent(test.db, queue, ["etl"]);
  const { id } = await createFlowRun(test.db, {
    deploymentId: deployment.id,
    parameters: {},
    leaseMs: 15_000,
  });
  expect((await agent.execute(behave(false))).ran).toEqual(["extract", "clean", "stats"]);
  const run = await getFlowRun(test.db, id, VIEW);
  // With retries left, the deployment queues the failed run again at once.
  expect(run.state).toBe(retries ? "Scheduled" : "Failed");
  return { id, flow, deploymentId: deployment.id, queue, agent };
}

/** A failed run, its failing task fixed in v2, and its replay from failure on v2 (Completed). */
async function fixedAndReplayed() {
  const first = await failedRun();
  await seedFlow(test.db, etl(first.flow.name));
  const fixed = await replayFlowRun(test.db, {
    runId: first.id,
    kind: "fromFailure",
    version: "latest",
  });
  await first.agent.execute(behave(true));
  return { first, fixed };
}

const states = async (id: string) =>
  (await getFlowRun(test.db, id, VIEW)).taskRuns.map((t) => [
    t.name,
    t.state,
    t.result,
    t.resultFrom,
  ]);

describe("retry from failure", () => {
  it("on the run's version: the failed task and its downstream run again, the rest is Cached from the run", async () => {
    const first = await failedRun();
    const queued = waitFor("run-queued", (q) => q === first.queue, { timeoutMs: 5_000 });
    const changed = waitFor("run-changed", (id) => id === first.id, { timeoutMs: 5_000 });
    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromFailure",
      version: "run",
    });
    expect(await queued.promise).toBe(first.queue);
    expect(await changed.promise).toBe(first.id);
    expect(replay).toMatchObject({
      state: "Scheduled",
      replayOf: { id: first.id, kind: "fromFailure", task: null },
      flowVersion: 1,
      sourceFlowVersion: 1,
      parameters: { n: 40 },
      rerun: ["clean", "report"],
      reused: [
        { task: "extract", fromRun: first.id },
        { task: "stats", fromRun: first.id },
      ],
    });

    // Pending where it runs again; Cached with a copy of the result and its producer elsewhere.
    expect(await states(replay.id)).toEqual([
      ["extract", "Cached", 41, first.id],
      ["clean", "Pending", null, null],
      ["stats", "Cached", 7, first.id],
      ["report", "Pending", null, null],
    ]);
    const view = await getFlowRun(test.db, replay.id, VIEW);
    expect(view).toMatchObject({
      replayOf: { id: first.id, kind: "fromFailure", task: null },
      deployment: { id: first.deploymentId },
      workQueue: first.queue,
      tags: ["etl"],
      parameters: { n: 40 },
      flow: { version: 1 },
    });
    const cached = await test.db.taskRunStateEvent.findMany({
      where: { flowRunId: replay.id, toState: "Cached" },
      select: { fromState: true, message: true },
    });
    expect(cached).toEqual([
      { fromState: "Pending", message: `result reused from run ${first.id}` },
      { fromState: "Pending", message: `result reused from run ${first.id}` },
    ]);
    expect((await getFlowRun(test.db, first.id, VIEW)).replays).toEqual([
      expect.objectContaining({ id: replay.id, kind: "fromFailure", state: "Scheduled" }),
    ]);

    // The agent receives the reused results as completed: it runs only what failed — and it still
    // fails, since the code is the same.
    const { claimed, ran } = await first.agent.execute(behave(false));
    expect(claimed.completed).toEqual({
      extract: { state: "Cached", result: 41 },
      stats: { state: "Cached", result: 7 },
    });
    expect(claimed.tasks.map((t) => t.name)).toEqual(["extract", "clean", "stats", "report"]);
    expect(ran).toEqual(["clean"]);
    expect((await getFlowRun(test.db, replay.id, VIEW)).state).toBe("Failed");
  });

  it("on the latest version where the failing task was fixed: completes without running the upstream again", async () => {
    const first = await failedRun(0);
    const fixed = await seedFlow(test.db, etl(first.flow.name));
    expect(fixed.version).toBe(2);
    const plan = await planReplay(test.db, {
      runId: first.id,
      kind: "fromFailure",
      version: "latest",
    });
    expect(plan).toMatchObject({
      flowVersion: 2,
      sourceFlowVersion: 1,
      rerun: ["clean", "report"],
    });
    // A preview creates nothing.
    expect(await test.db.flowRun.count({ where: { parentRunId: first.id } })).toBe(0);

    const replay = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "fromFailure",
      version: "latest",
    });
    expect(replay).toMatchObject({ flowVersion: 2, rerun: plan.rerun, reused: plan.reused });
    const { claimed, ran } = await first.agent.execute(behave(true));
    expect(claimed.flow.version).toBe(2);
    expect(ran).toEqual(["clean", "report"]);
    expect(await states(replay.id)).toEqual([
      ["extract", "Cached", 41, first.id],
      ["clean", "Completed", 42, null],
      ["stats", "Cached", 7, first.id],
      ["report", "Completed", 49, null],
    ]);
    expect((await getFlowRun(test.db, replay.id, VIEW)).state).toBe("Completed");
  });

  it("a replay of a replay reuses results from the run that produced them", async () => {
    const { first, fixed: second } = await fixedAndReplayed();

    const third = await replayFlowRun(test.db, {
      runId: second.id,
      kind: "fromTask",
      task: "report",
      version: "run",
    });
    expect(third).toMatchObject({
      replayOf: { id: second.id, kind: "fromTask", task: "report" },
      rerun: ["report"],
      reused: [
        { task: "extract", fromRun: first.id },
        { task: "clean", fromRun: second.id },
        { task: "stats", fromRun: first.id },
      ],
    });
    expect(await states(third.id)).toEqual([
      ["extract", "Cached", 41, first.id],
      ["clean", "Cached", 42, second.id],
      ["stats", "Cached", 7, first.id],
      ["report", "Pending", null, null],
    ]);
    const messages = await test.db.taskRunStateEvent.findMany({
      where: { flowRunId: third.id, toState: "Cached" },
      select: { message: true },
    });
    expect(messages.map((m) => m.message).sort()).toEqual(
      [
        `result reused from run ${first.id}`,
        `result reused from run ${first.id}`,
        `result reused from run ${second.id}`,
      ].sort(),
    );
    const { claimed, ran } = await first.agent.execute(behave(true));
    expect(claimed.completed).toEqual({
      extract: { state: "Cached", result: 41 },
      clean: { state: "Cached", result: 42 },
      stats: { state: "Cached", result: 7 },
    });
    expect(ran).toEqual(["report"]);
  });
});

describe("run from a task, and retry", () => {
  it("run from here re-runs that task and its downstream only", async () => {
    const { first, fixed } = await fixedAndReplayed();

    const fromClean = await replayFlowRun(test.db, {
      runId: fixed.id,
      kind: "fromTask",
      task: "clean",
      version: "run",
    });
    expect(fromClean.rerun).toEqual(["clean", "report"]);
    const { ran } = await first.agent.execute(behave(true));
    expect(ran).toEqual(["clean", "report"]);
    expect(await states(fromClean.id)).toEqual([
      ["extract", "Cached", 41, first.id],
      ["clean", "Completed", 42, null],
      ["stats", "Cached", 7, first.id],
      ["report", "Completed", 49, null],
    ]);
  });

  it("retry runs every task again with the same parameters and the deployment's retries", async () => {
    const first = await failedRun(2);
    // The deployment's own retries queued the failed run again: a replay waits until it ends.
    await expect(
      replayFlowRun(test.db, { runId: first.id, kind: "retry", version: "run" }),
    ).rejects.toMatchObject({ code: "invalid_state" });
    await first.agent.execute(behave(false));
    await first.agent.execute(behave(false));
    expect((await getFlowRun(test.db, first.id, VIEW)).state).toBe("Failed");

    const retry = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "retry",
      version: "run",
      parameters: { n: 1 },
    });
    expect(retry).toMatchObject({
      rerun: ["extract", "clean", "stats", "report"],
      reused: [],
      parameters: { n: 1 },
      changedParameters: ["n"],
    });
    const stored = await test.db.flowRun.findUniqueOrThrow({ where: { id: retry.id } });
    expect(stored).toMatchObject({
      maxRetries: 2,
      attempt: 1,
      parentRunId: first.id,
      replayKind: "retry",
      replayTask: null,
    });
    const { claimed, ran } = await first.agent.execute(behave(true));
    expect(claimed).toMatchObject({ completed: {}, parameters: { n: 1 } });
    expect(ran).toEqual(["extract", "clean", "stats", "report"]);
    expect((await states(retry.id)).map((t) => t[2])).toEqual([2, 3, 7, 10]);
  });
});

describe("refusals", () => {
  it("an unknown run is 404, a run that has not ended 409, the other refusals 400, and nothing is created", async () => {
    const first = await failedRun();
    const before = await test.db.flowRun.count();
    const replay = (over: Partial<Parameters<typeof replayFlowRun>[1]>) =>
      replayFlowRun(test.db, { runId: first.id, kind: "fromFailure", version: "run", ...over });

    for (const runId of ["nope", "00000000-0000-4000-8000-000000000000"]) {
      await expect(replay({ runId })).rejects.toMatchObject({ code: "not_found" });
    }
    const waiting = await createFlowRun(test.db, {
      deploymentId: first.deploymentId,
      parameters: {},
      leaseMs: 15_000,
    });
    await expect(replay({ runId: waiting.id })).rejects.toMatchObject({
      code: "invalid_state",
      message: `flow run ${waiting.id} is Scheduled: cancel it or wait for it to end, then replay it`,
    });
    await cancelFlowRun(test.db, waiting.id);
    await expect(replay({ kind: "fromTask", task: "cleen" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining('has no task "cleen" (did you mean "clean"?)'),
    });
    await expect(replay({ kind: "fromTask" })).rejects.toMatchObject({ code: "bad_request" });

    // The latest version renamed the failing task and made n a string.
    const next = etl(first.flow.name);
    next.tasks![1]!.name = "cleaned";
    next.tasks![3]!.dependsOn = ["cleaned", "stats"];
    next.tasks![3]!.code = "def main(cleaned, stats):\n    return cleaned + stats\n";
    next.parameters = { type: "object", properties: { n: { type: "string", default: "a" } } };
    await seedFlow(test.db, next);
    await expect(replay({ version: "latest" })).rejects.toMatchObject({
      code: "invalid_parameters",
      message: expect.stringContaining('parameter "n" must be string (got number 40)'),
    });
    await expect(replay({ version: "latest", parameters: { n: "x" } })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining(
        `task "clean" ended Failed in run ${first.id}, but flow "${first.flow.name}" v2 no longer has it (renamed to "cleaned"?)`,
      ),
    });
    expect(await test.db.flowRun.count()).toBe(before + 1);

    // A completed run has no failure to replay from.
    const done = await replayFlowRun(test.db, {
      runId: first.id,
      kind: "retry",
      version: "run",
    });
    await first.agent.execute(behave(true));
    await expect(replay({ runId: done.id })).rejects.toMatchObject({
      code: "bad_request",
      message: `every task of run ${done.id} completed: there is no failure to replay from; use Retry to run the whole flow again`,
    });
  });

  it("a notebook cell run is replayed with Run cell; cell runs record where reused results came from", async () => {
    const queue = uniqueName("q");
    const { flow, deploymentId } = await seedDeployment(test.db, etl(uniqueName()), queue);
    const agent = await testAgent(test.db, queue);
    const whole = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    await agent.execute(behave(true));
    const cell = await createCellRun(test.db, { flow: flow.name, version: 1, task: "report" });
    expect(cell).toMatchObject({ run: ["report"], reused: ["extract", "clean", "stats"] });
    expect(await states(cell.id)).toEqual([
      ["extract", "Cached", 41, whole.id],
      ["clean", "Cached", 42, whole.id],
      ["stats", "Cached", 7, whole.id],
      ["report", "Pending", null, null],
    ]);
    await agent.execute(behave(true));
    await expect(
      replayFlowRun(test.db, { runId: cell.id, kind: "retry", version: "run" }),
    ).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("replay it with Run cell in the editor"),
    });
    // A cell run reusing a cell run's copy names the original producer too.
    const again = await createCellRun(test.db, { flow: flow.name, version: 1, task: "report" });
    expect((await states(again.id)).slice(0, 3).map((t) => t[3])).toEqual([
      whole.id,
      whole.id,
      whole.id,
    ]);
  });
});
