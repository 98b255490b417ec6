import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import { seedRun } from "../../../test/support/seed.ts";
import { transitionFlowRun, transitionFlowRunOrThrow, transitionTaskRuns } from "./index.ts";

const test = freshDatabase();

async function history(runId: string) {
  const events = await test.db.flowRunStateEvent.findMany({
    where: { flowRunId: runId },
    orderBy: { id: "asc" },
    select: { fromState: true, toState: true, message: true },
  });
  return events.map((e) => `${e.fromState ?? "∅"}→${e.toState}`);
}

describe("the run state machine on a real database", () => {
  it("creates a run Scheduled, with Pending task runs in topological order and a first history row", async () => {
    const { runId } = await seedRun(test.db);
    const run = await test.db.flowRun.findUniqueOrThrow({
      where: { id: runId },
      include: { taskRuns: { orderBy: { position: "asc" } } },
    });
    expect(run.state).toBe("Scheduled");
    expect(run.taskRuns.map((t) => [t.name, t.state])).toEqual([
      ["extract", "Pending"],
      ["report", "Pending"],
      ["notify", "Pending"],
    ]);
    expect(await history(runId)).toEqual(["∅→Scheduled"]);
  });

  it("moves a run through its life, stamping times and recording every transition", async () => {
    const { runId } = await seedRun(test.db);
    const agent = await test.db.agent.create({ data: { name: "a" } });
    const leaseId = crypto.randomUUID();
    const lease = new Date(Date.now() + 15_000);
    expect(
      await transitionFlowRun(test.db, {
        id: runId,
        from: ["Scheduled"],
        to: "Pending",
        set: { agentId: agent.id, leaseId, leaseExpiresAt: lease },
      }),
    ).toBe("Scheduled");
    await transitionFlowRun(test.db, { id: runId, from: ["Pending"], to: "Running" });
    await transitionFlowRun(test.db, {
      id: runId,
      from: ["Running"],
      to: "Failed",
      set: { error: { type: "X", message: "boom" } },
    });
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({
      state: "Failed",
      agentId: agent.id,
      leaseId,
      error: { type: "X", message: "boom" },
    });
    expect(run.startedAt).not.toBeNull();
    expect(run.endedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(await history(runId)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Running",
      "Running→Failed",
    ]);

    // A retry queues it again: the end time is cleared, the attempt counted.
    await transitionFlowRun(test.db, {
      id: runId,
      from: ["Failed"],
      to: "Scheduled",
      set: { attempt: 2 },
    });
    const retried = await test.db.flowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(retried).toMatchObject({ state: "Scheduled", attempt: 2, endedAt: null });
  });

  it("changes nothing when the run is not in an allowed from-state", async () => {
    const { runId } = await seedRun(test.db);
    expect(
      await transitionFlowRun(test.db, { id: runId, from: ["Running"], to: "Completed" }),
    ).toBeNull();
    await expect(
      transitionFlowRunOrThrow(test.db, { id: runId, from: ["Running"], to: "Completed" }),
    ).rejects.toMatchObject({
      code: "invalid_state",
      message: `flow run ${runId} is Scheduled, so it cannot become Completed`,
      details: { state: "Scheduled" },
    });
    expect(await history(runId)).toEqual(["∅→Scheduled"]);
  });

  it("refuses, as a programming error, a transition the machine does not allow", async () => {
    const { runId } = await seedRun(test.db);
    await expect(
      transitionFlowRun(test.db, { id: runId, from: ["Scheduled"], to: "Completed" }),
    ).rejects.toThrow("flow run transition Scheduled → Completed is not allowed");
  });

  it("lets exactly one of many racing writers win", async () => {
    const { runId } = await seedRun(test.db);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        transitionFlowRun(test.db, { id: runId, from: ["Scheduled"], to: "Pending" }),
      ),
    );
    expect(results.filter((r) => r === "Scheduled")).toHaveLength(1);
    expect(await history(runId)).toEqual(["∅→Scheduled", "Scheduled→Pending"]);
  });

  it("moves task runs in bulk, with their history, only those in an allowed state", async () => {
    const { runId } = await seedRun(test.db);
    expect(
      await transitionTaskRuns(test.db, {
        flowRunId: runId,
        names: ["extract"],
        from: ["Pending"],
        to: "Running",
        set: { attempts: 1 },
      }),
    ).toEqual(["extract"]);
    const moved = await transitionTaskRuns(test.db, {
      flowRunId: runId,
      from: ["Pending"],
      to: "Cancelled",
    });
    expect(moved.sort()).toEqual(["notify", "report"]);
    const tasks = await test.db.taskRun.findMany({
      where: { flowRunId: runId },
      orderBy: { position: "asc" },
    });
    expect(tasks.map((t) => [t.name, t.state, t.attempts])).toEqual([
      ["extract", "Running", 1],
      ["report", "Cancelled", 0],
      ["notify", "Cancelled", 0],
    ]);
    const events = await test.db.taskRunStateEvent.count({ where: { flowRunId: runId } });
    expect(events).toBe(3);
  });
});
