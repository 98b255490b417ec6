import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { redeploy, seedDeployment, threeTasks, uniqueName } from "../../test/support/seed.ts";
import { claimRuns } from "../agents/claim-runs.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { SYSTEM_ACTOR } from "../audit/actor.ts";
import { setDeploymentLimit, setDeploymentPaused } from "../deployments/deployment-settings.ts";
import { publish } from "../events/bus.ts";
import { updateWorkQueue } from "../queues/update-work-queue.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { transitionFlowRun } from "../runs/state-machine/index.ts";
import { setTagLimit } from "./tag-limits.ts";
import { waitingReasonOf } from "./waiting-reasons.ts";

const test = freshDatabase();
const timings = { leaseMs: 15_000, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 };

async function agentOn(queues: string[], tags: string[] = []) {
  const agent = { name: "a", hostname: "", version: "", queues, tags, concurrency: 10 };
  return (await registerAgent(test.db, agent, timings)).id;
}

const claim = async (agentId: string, capacity = 10, waitMs = 0) =>
  (await claimRuns(test.db, { agentId, capacity, waitMs, leaseMs: 15_000 })).map(
    (r) => r.flowRunId,
  );

async function runsOf(deploymentId: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push((await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 })).id);
  }
  return ids;
}

/** A deployment on `queue` carrying `tags`. */
async function deployment(queue: string, tags: string[] = []) {
  const flow = threeTasks();
  await seedDeployment(test.db, flow, queue);
  return (await redeploy(test.db, flow.name, { tags, workQueue: queue })).id;
}

/** Ends a claimed run as an agent's report would: Completed, then the run-ended wake-up. */
async function complete(id: string) {
  await transitionFlowRun(test.db, { id, from: ["Pending"], to: "Running" });
  await transitionFlowRun(test.db, { id, from: ["Running"], to: "Completed" });
  publish("run-ended", id);
}

describe("claiming under concurrency limits", () => {
  it("takes no more runs of a work queue than its limit, and the next one when a slot frees", async () => {
    const queue = uniqueName("q");
    const d = await deployment(queue);
    await updateWorkQueue(test.db, queue, { concurrencyLimit: 1 }, SYSTEM_ACTOR);
    const runs = await runsOf(d, 3);
    const agent = await agentOn([queue]);
    const first = await claim(agent);
    expect(first).toEqual([runs[0]]);
    expect(await claim(agent)).toEqual([]);
    expect(await waitingReasonOf(test.db, runs[1]!)).toBe(
      `Waiting for a slot of work queue ${queue} (1/1 in use)`,
    );
    await complete(runs[0]!);
    expect(await claim(agent)).toEqual([runs[1]]);
  });

  it("holds a deployment to its limit, and a paused deployment's runs until it is resumed", async () => {
    const queue = uniqueName("q");
    const limited = await deployment(queue);
    const paused = await deployment(queue);
    await setDeploymentLimit(test.db, limited, 2, SYSTEM_ACTOR);
    await setDeploymentPaused(test.db, paused, true, SYSTEM_ACTOR);
    const limitedRuns = await runsOf(limited, 3);
    const pausedRuns = await runsOf(paused, 2);
    const agent = await agentOn([queue]);
    expect(await claim(agent)).toEqual(limitedRuns.slice(0, 2));
    expect(await waitingReasonOf(test.db, pausedRuns[0]!)).toBe("Deployment paused");
    expect(await waitingReasonOf(test.db, limitedRuns[2]!)).toBe(
      "Waiting for a slot of deployment test (2/2 in use)",
    );
    // A waiting claim is woken by the resume, not by its next recheck.
    const waiting = claim(agent, 10, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const resumedAt = Date.now();
    await setDeploymentPaused(test.db, paused, false, SYSTEM_ACTOR);
    expect(await waiting).toEqual(pausedRuns);
    expect(Date.now() - resumedAt).toBeLessThan(500);
  });

  it("holds a tag limit across deployments and queues, and hands no limited run to a waiting agent", async () => {
    const db = uniqueName("db");
    const [qa, qb] = [uniqueName("qa"), uniqueName("qb")];
    const a = await deployment(qa, [db]);
    const b = await deployment(qb, [db]);
    const free = await deployment(qb);
    await setTagLimit(test.db, db, 2, SYSTEM_ACTOR);
    const agent = await agentOn([qa, qb], [db]);
    // The agent waits first: a run under a limit is queued, not handed over.
    const waiting = claim(agent, 10, 5_000);
    await new Promise((r) => setTimeout(r, 100));
    const [a1] = await runsOf(a, 1);
    const first = await waiting;
    expect(first).toEqual([a1]);
    const [b1, b2] = await runsOf(b, 2);
    const [f1] = await runsOf(free, 1);
    // One db slot left, and the free run is not hidden behind the full tag.
    expect(await claim(agent)).toEqual([b1, f1]);
    expect(await waitingReasonOf(test.db, b2!)).toBe(
      `Waiting for a slot of tag ${db} (2/2 in use)`,
    );
    const blocked = claim(agent, 10, 10_000);
    await new Promise((r) => setTimeout(r, 100));
    const endedAt = Date.now();
    await complete(a1!);
    expect(await blocked).toEqual([b2]);
    expect(Date.now() - endedAt).toBeLessThan(500);
  });

  it("applies every limit of a run at once: a free queue slot does not pass a full tag", async () => {
    const queue = uniqueName("q");
    const tag = uniqueName("t");
    const tagged = await deployment(queue, [tag]);
    const plain = await deployment(queue);
    await updateWorkQueue(test.db, queue, { concurrencyLimit: 3 }, SYSTEM_ACTOR);
    await setTagLimit(test.db, tag, 1, SYSTEM_ACTOR);
    const t = await runsOf(tagged, 3);
    const p = await runsOf(plain, 3);
    const agent = await agentOn([queue], [tag]);
    // The tagged runs behind the first use up queue ranks in the first claim (it takes fewer
    // than it could, never more); the next claim, seeing the tag full, fills the queue.
    const first = await claim(agent);
    expect(first[0]).toBe(t[0]);
    const taken = [...first, ...(await claim(agent))];
    expect(taken.sort()).toEqual([t[0], p[0], p[1]].sort());
    expect(await claim(agent)).toEqual([]);
    expect(await waitingReasonOf(test.db, p[2]!)).toBe(
      `Waiting for a slot of work queue ${queue} (3/3 in use)`,
    );
  });

  it("never lets concurrent claims of agents on different queues past a shared tag limit", async () => {
    const tag = uniqueName("race");
    const queues = Array.from({ length: 8 }, () => uniqueName("q"));
    const deployments: string[] = [];
    for (const queue of queues) deployments.push(await deployment(queue, [tag]));
    await setTagLimit(test.db, tag, 3, SYSTEM_ACTOR);
    for (const d of deployments) await runsOf(d, 3);
    // Two agents per queue: claims of different queues see different runs, so only the lock
    // stops them from each counting the same free slots of the tag (without it, 9 of 24 were taken here).
    const agents = await Promise.all(
      queues.flatMap((q) => [agentOn([q], [tag]), agentOn([q], [tag])]),
    );
    const claimed: string[] = [];
    for (let round = 0; round < 3; round++) {
      claimed.push(...(await Promise.all(agents.map((id) => claim(id, 2)))).flat());
    }
    expect(claimed).toHaveLength(3);
    const active = await test.db.flowRun.count({
      where: { tags: { has: tag }, state: { in: ["Pending", "Running", "Cancelling"] } },
    });
    expect(active).toBe(3);
  });
});
