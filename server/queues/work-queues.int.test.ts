import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { redeploy, seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { claimRuns } from "../agents/claim-runs.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { getFlowRun } from "../runs/get-flow-run.ts";
import { claimFlowRuns } from "../runs/state-machine/index.ts";
import { getWorkQueue, listWorkQueues } from "./list-work-queues.ts";
import { setWorkQueuePaused } from "./pause-work-queue.ts";
import { previewWorkQueue } from "./preview-work-queue.ts";

const test = freshDatabase();
const LEASE = 15_000;
const view = { leaseMs: LEASE, lateAfterMs: 15_000 };
const timings = { leaseMs: LEASE, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 };

async function agentOn(queues: string[], tags: string[] = []) {
  const agent = await registerAgent(
    test.db,
    { name: uniqueName("agent"), hostname: "h", version: "1", queues, tags, concurrency: 1 },
    timings,
  );
  return { id: agent.id, queues, tags };
}

/** A deployment on `queue` (a flow of its own), optionally tagged. */
async function deploymentOn(queue: string, tags: string[] = []) {
  const { flow, deploymentId } = await seedDeployment(test.db, undefined, queue);
  if (tags.length) await redeploy(test.db, flow.name, { workQueue: queue, tags });
  return deploymentId;
}

const secondsFromNow = (s: number) => new Date(Date.now() + s * 1000);

async function queueRun(deploymentId: string, scheduledAt?: Date) {
  const run = await createFlowRun(test.db, {
    deploymentId,
    parameters: {},
    leaseMs: LEASE,
    scheduledAt,
  });
  return run.id;
}

/** Claims one run at a time, as an agent with room for one more does, until none is due. */
async function claimAll(agent: { id: string; queues: string[]; tags: string[] }) {
  const order: string[] = [];
  for (;;) {
    const rows = await claimFlowRuns(test.db, {
      agentId: agent.id,
      queues: agent.queues,
      tags: agent.tags,
      capacity: 1,
      leaseMs: LEASE,
    });
    if (rows.length === 0) return order;
    order.push(...rows.map((r) => r.id));
  }
}

describe("work queues", () => {
  it("counts waiting (due, Late) and running runs, and names the online agents serving each queue", async () => {
    const queue = uniqueName("q");
    const idle = uniqueName("idle");
    const deployment = await deploymentOn(queue);
    await deploymentOn(idle);
    const oldest = await queueRun(deployment, secondsFromNow(-120));
    await queueRun(deployment, secondsFromNow(-60)); // Late: a minute past its start
    await queueRun(deployment);
    await queueRun(deployment);
    await queueRun(deployment, secondsFromNow(3600)); // upcoming
    const agent = await agentOn([queue]);
    // An agent gone quiet for longer than a lease is not listed as serving the queue.
    const quiet = await agentOn([queue]);
    await test.db.agent.update({
      where: { id: quiet.id },
      data: { lastSeenAt: secondsFromNow(-20) },
    });
    const [claimed] = await claimFlowRuns(test.db, {
      agentId: agent.id,
      queues: [queue],
      tags: [],
      capacity: 1,
      leaseMs: LEASE,
    });
    expect(claimed!.id).toBe(oldest);

    const all = await listWorkQueues(test.db, view);
    const mine = all.find((q) => q.name === queue);
    expect(mine).toMatchObject({
      name: queue,
      priority: 100,
      concurrencyLimit: null,
      paused: false,
      waiting: { total: 4, due: 3, late: 1 },
      running: 1,
      agents: [{ id: agent.id, hostname: "h", tags: [] }],
    });
    expect(all.find((q) => q.name === idle)).toMatchObject({
      waiting: { total: 0, due: 0, late: 0 },
      running: 0,
      agents: [],
    });
    expect(await getWorkQueue(test.db, queue, view)).toEqual(mine);
    await expect(getWorkQueue(test.db, uniqueName("nope"), view)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("pause and resume: idempotent; a paused queue's runs show Paused and are not claimed, nor handed to a waiting agent", async () => {
    const queue = uniqueName("q");
    const deployment = await deploymentOn(queue);
    const agent = await agentOn([queue]);
    // Triggered once before the pause, so the trigger remembers the deployment (and its queue).
    await queueRun(deployment);
    expect(await claimAll(agent)).toHaveLength(1);

    await setWorkQueuePaused(test.db, queue, true);
    await setWorkQueuePaused(test.db, queue, true);
    // An agent long-polling the queue must not be handed the run of a paused queue.
    const waiting = claimRuns(test.db, {
      agentId: agent.id,
      capacity: 1,
      waitMs: 1_500,
      leaseMs: LEASE,
    });
    await new Promise((r) => setTimeout(r, 100));
    const held = await queueRun(deployment);
    expect(await waiting).toEqual([]);
    const queueView = await getWorkQueue(test.db, queue, view);
    expect(queueView).toMatchObject({ paused: true, waiting: { total: 1, due: 1, late: 0 } });
    expect((await getFlowRun(test.db, held, view)).state).toBe("Paused");
    const preview = await previewWorkQueue(test.db, queue, { ...view, limit: 10 });
    expect(preview.runs.map((r) => [r.id, r.state])).toEqual([[held, "Paused"]]);
    expect(preview.warnings.join("\n")).toContain(`work queue "${queue}" is paused`);
    expect(await claimAll(agent)).toEqual([]);

    await setWorkQueuePaused(test.db, queue, false);
    await setWorkQueuePaused(test.db, queue, false);
    expect((await getWorkQueue(test.db, queue, view)).paused).toBe(false);
    expect((await getFlowRun(test.db, held, view)).state).toBe("Scheduled");
    expect(await claimAll(agent)).toEqual([held]);
    await expect(setWorkQueuePaused(test.db, uniqueName("nope"), true)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("the preview lists due runs in exactly the order an agent claims them, then upcoming ones", async () => {
    const queue = uniqueName("q");
    const plain = await deploymentOn(queue);
    const gpu = await deploymentOn(queue, ["gpu"]);
    const other = await deploymentOn(uniqueName("other"));
    const sameTime = secondsFromNow(-60);
    const ids = {
      a: await queueRun(plain, secondsFromNow(-30)),
      b: await queueRun(gpu, secondsFromNow(-90)),
      c: await queueRun(plain, sameTime),
      d: await queueRun(gpu),
      e: await queueRun(plain, secondsFromNow(3600)),
      // Same start time as c, created after it: claimed after it.
      f: await queueRun(plain, sameTime),
    };
    await queueRun(other, secondsFromNow(-500));
    const agent = await agentOn([queue], ["gpu"]);

    const preview = await previewWorkQueue(test.db, queue, { ...view, limit: 50 });
    const expectedDue = [ids.b, ids.c, ids.f, ids.a, ids.d];
    expect(preview.runs.map((r) => r.id)).toEqual([...expectedDue, ids.e]);
    expect(preview.runs.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(preview.runs.map((r) => r.due)).toEqual([true, true, true, true, true, false]);
    expect(preview.runs.map((r) => r.state)).toEqual([
      "Late",
      "Late",
      "Late",
      "Late",
      "Scheduled",
      "Scheduled",
    ]);
    expect(preview.runs[0]).toMatchObject({ tags: ["gpu"], eligibleAgents: 1, warning: null });
    expect(preview.runs[0]!.deployment?.id).toBe(gpu);
    expect(preview.runs[0]!.flow.version).toBe(1);
    expect(preview.warnings).toEqual([]);
    // A limit cuts the list in claim order.
    const short = await previewWorkQueue(test.db, queue, { ...view, limit: 2 });
    expect(short.runs.map((r) => r.id)).toEqual([ids.b, ids.c]);

    expect(await claimAll(agent)).toEqual(expectedDue);
    expect((await previewWorkQueue(test.db, queue, { ...view, limit: 50 })).runs).toMatchObject([
      { id: ids.e, due: false, position: 1 },
    ]);
  });

  it("an agent serving several queues claims by queue priority first, as the queues' previews list", async () => {
    const [low, high] = [uniqueName("low"), uniqueName("high")];
    const lowDeployment = await deploymentOn(low);
    const highDeployment = await deploymentOn(high);
    await test.db.workQueue.update({ where: { name: high }, data: { priority: 1 } });
    const older = await queueRun(lowDeployment, secondsFromNow(-120));
    const newer = [await queueRun(highDeployment), await queueRun(highDeployment)];
    const agent = await agentOn([low, high]);
    const previews = await Promise.all(
      [high, low].map((q) => previewWorkQueue(test.db, q, { ...view, limit: 10 })),
    );
    const listed = previews.flatMap((p) => p.runs.map((r) => r.id));
    expect(listed).toEqual([...newer, older]);
    expect(await claimAll(agent)).toEqual(listed);
  });

  it("marks runs that no online agent would take, and says why", async () => {
    const queue = uniqueName("q");
    const plainRun = await queueRun(await deploymentOn(queue));
    const gpuRun = await queueRun(await deploymentOn(queue, ["gpu", "big"]));
    const marks = async () =>
      Object.fromEntries(
        (await previewWorkQueue(test.db, queue, { ...view, limit: 10 })).runs.map((r) => [
          r.id,
          [r.eligibleAgents, r.warning],
        ]),
      );

    let preview = await previewWorkQueue(test.db, queue, { ...view, limit: 10 });
    expect(preview.warnings).toEqual([
      expect.stringContaining(`no online agent serves work queue "${queue}"`),
    ]);
    expect(await marks()).toEqual({
      [plainRun]: [0, "no online agent serves this queue"],
      [gpuRun]: [0, "no online agent serves this queue"],
    });

    await agentOn([queue], ["big"]);
    expect(await marks()).toEqual({
      [plainRun]: [1, null],
      [gpuRun]: [0, "no online agent of this queue carries tag gpu"],
    });
    const gpuOnly = await agentOn([queue], ["gpu"]);
    expect((await marks())[gpuRun]).toEqual([
      0,
      "no online agent of this queue carries all of its tags (gpu, big)",
    ]);
    await test.db.agent.update({ where: { id: gpuOnly.id }, data: { stoppedAt: new Date() } });
    await agentOn([uniqueName("elsewhere")], ["gpu", "big"]);
    expect((await marks())[gpuRun]).toEqual([0, "no online agent of this queue carries tag gpu"]);
    await agentOn([queue], ["big", "gpu", "x"]);
    expect(await marks()).toEqual({ [plainRun]: [2, null], [gpuRun]: [1, null] });
    preview = await previewWorkQueue(test.db, queue, { ...view, limit: 10 });
    expect(preview.warnings).toEqual([]);
  });
});
