import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { redeploy, seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { getRunHistory } from "../runs/get-run-history.ts";
import { claimRuns } from "./claim-runs.ts";
import { registerAgent } from "./register-agent.ts";

const test = freshDatabase();
const timings = { leaseMs: 15_000, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 };

async function agentOn(queue: string, tags: string[] = []) {
  return (
    await registerAgent(
      test.db,
      { name: "a", hostname: "", version: "", queues: [queue], tags, concurrency: 1 },
      timings,
    )
  ).id;
}

describe("claiming runs", () => {
  it("hands a triggered run straight to an agent waiting on its queue, recording both states", async () => {
    const queue = uniqueName("q");
    const { deploymentId } = await seedDeployment(test.db, undefined, queue);
    const agentId = await agentOn(queue);
    const waiting = claimRuns(test.db, { agentId, capacity: 1, waitMs: 10_000, leaseMs: 15_000 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const created = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    expect(created.state).toBe("Pending");
    const [claimed] = await waiting;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(claimed).toMatchObject({
      flowRunId: created.id,
      attempt: 1,
      deployment: { id: deploymentId, name: "test" },
    });
    expect(claimed!.tasks.map((t) => t.name)).toEqual(["extract", "report", "notify"]);
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: created.id } });
    expect(run).toMatchObject({ state: "Pending", agentId, leaseId: claimed!.leaseId });
    const history = await getRunHistory(test.db, created.id);
    expect(history.events.map((e) => `${e.from ?? "∅"}→${e.to}`)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
    ]);
    const audited = await test.db.auditEvent.findMany({ where: { targetId: created.id } });
    expect(audited.map((e) => e.action)).toEqual(["run.create"]);
  });

  it("a waiting claim of an agent not heard for a lease (cut off: its connection stays open) takes nothing", async () => {
    const queue = uniqueName("q");
    const { deploymentId } = await seedDeployment(test.db, undefined, queue);
    const agentId = await agentOn(queue);
    await test.db.agent.update({
      where: { id: agentId },
      data: { lastSeenAt: new Date(Date.now() - 20_000) },
    });
    // Handed over in memory by the trigger, and found by the claim statement on a re-check.
    for (const how of ["handoff", "re-check"] as const) {
      const waiting = claimRuns(test.db, { agentId, capacity: 1, waitMs: 3_000, leaseMs: 15_000 });
      await new Promise((r) => setTimeout(r, how === "handoff" ? 100 : 1_200));
      const created = await createFlowRun(test.db, {
        deploymentId,
        parameters: {},
        leaseMs: 15_000,
      });
      expect(await waiting).toEqual([]);
      const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: created.id } });
      expect(run).toMatchObject({ state: "Scheduled", agentId: null });
      await test.db.flowRun.delete({ where: { id: created.id } });
    }
  });

  it("claims runs that were queued before the agent asked, and never one of another queue or without its tags", async () => {
    const queue = uniqueName("q");
    const gpu = await seedDeployment(test.db, undefined, queue);
    await redeploy(test.db, gpu.flow.name, { tags: ["gpu"], workQueue: queue });
    const tagged = await createFlowRun(test.db, {
      deploymentId: gpu.deploymentId,
      parameters: {},
      leaseMs: 15_000,
    });
    const plain = await seedDeployment(test.db, undefined, queue);
    const untagged = await createFlowRun(test.db, {
      deploymentId: plain.deploymentId,
      parameters: {},
      leaseMs: 15_000,
    });
    expect(tagged.state).toBe("Scheduled");

    const cpuAgent = await agentOn(queue);
    const first = await claimRuns(test.db, {
      agentId: cpuAgent,
      capacity: 5,
      waitMs: 0,
      leaseMs: 15_000,
    });
    expect(first.map((r) => r.flowRunId)).toEqual([untagged.id]);
    const otherQueue = await agentOn(uniqueName("other"), ["gpu"]);
    expect(
      await claimRuns(test.db, { agentId: otherQueue, capacity: 5, waitMs: 0, leaseMs: 15_000 }),
    ).toEqual([]);
    const gpuAgent = await agentOn(queue, ["gpu"]);
    const second = await claimRuns(test.db, {
      agentId: gpuAgent,
      capacity: 5,
      waitMs: 0,
      leaseMs: 15_000,
    });
    expect(second.map((r) => r.flowRunId)).toEqual([tagged.id]);
  });

  it("gives a run back to its queue when the waiting agent went away meanwhile", async () => {
    const queue = uniqueName("q");
    const { deploymentId } = await seedDeployment(test.db, undefined, queue);
    const agentId = await agentOn(queue);
    const controller = new AbortController();
    const waiting = claimRuns(test.db, {
      agentId,
      capacity: 1,
      waitMs: 10_000,
      leaseMs: 15_000,
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    const creating = createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    controller.abort();
    const created = await creating;
    expect(await waiting).toEqual([]);
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: created.id } });
    expect(run).toMatchObject({ state: "Scheduled", agentId: null });
  });

  it("an unknown agent must register again", async () => {
    await expect(
      claimRuns(test.db, { agentId: crypto.randomUUID(), capacity: 1, waitMs: 0, leaseMs: 15_000 }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
