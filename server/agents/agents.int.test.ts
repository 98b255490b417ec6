import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedFlow, threeTasks, uniqueName } from "../../test/support/seed.ts";
import { deploy } from "../deployments/create-deployment.ts";
import { setWorkQueuePaused } from "../queues/pause-work-queue.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { claimFlowRuns } from "../runs/state-machine/index.ts";
import { agentCoverageWarnings } from "./coverage.ts";
import { heartbeat } from "./heartbeat.ts";
import { listAgents } from "./list-agents.ts";
import { registerAgent } from "./register-agent.ts";
import { stopAgent } from "./stop-agent.ts";

const test = freshDatabase();
const LEASE = 15_000;
const timings = { leaseMs: LEASE, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 };

async function agentOn(queues: string[], tags: string[] = [], name = uniqueName("agent")) {
  const { id } = await registerAgent(
    test.db,
    { name, hostname: "vm-1", version: "0.1.0", queues, tags, concurrency: 3 },
    timings,
  );
  return id;
}

const ago = (ms: number) => new Date(Date.now() - ms);

async function lastHeard(id: string, at: Date) {
  await test.db.agent.update({ where: { id }, data: { lastSeenAt: at } });
}

describe("listing agents", () => {
  it("online while heard from within a lease, offline after; long-offline ones only when asked for", async () => {
    const queue = uniqueName("q");
    const fresh = await agentOn([queue], ["gpu"], "fresh");
    const quiet = await agentOn([queue], [], "quiet");
    await lastHeard(quiet, ago(LEASE + 2_000));
    const stopped = await agentOn([queue], [], "stopped");
    await stopAgent(test.db, stopped, [], { reattachGraceMs: 0 });
    const gone = await agentOn([queue], [], "gone");
    await lastHeard(gone, ago(25 * 3600_000));

    const { agents, now } = await listAgents(test.db, { leaseMs: LEASE });
    expect(Math.abs(Date.parse(now) - Date.now())).toBeLessThan(5_000);
    const byId = new Map(agents.map((a) => [a.id, a]));
    expect(byId.get(fresh)).toMatchObject({
      name: "fresh",
      state: "online",
      hostname: "vm-1",
      version: "0.1.0",
      queues: [queue],
      tags: ["gpu"],
      concurrency: 3,
      stoppedAt: null,
      runs: [],
    });
    expect(byId.get(quiet)?.state).toBe("offline");
    expect(byId.get(stopped)).toMatchObject({ state: "offline", stoppedAt: expect.any(String) });
    expect(byId.has(gone)).toBe(false);
    // Online ones first.
    expect(agents.findIndex((a) => a.id === fresh)).toBeLessThan(
      agents.findIndex((a) => a.id === quiet),
    );
    const all = await listAgents(test.db, { leaseMs: LEASE, all: true });
    expect(all.agents.find((a) => a.id === gone)?.state).toBe("offline");

    // A heartbeat brings a quiet agent back online.
    await heartbeat(test.db, {
      agentId: quiet,
      runIds: [],
      waitMs: 0,
      leaseMs: LEASE,
      reattachGraceMs: 0,
    });
    const again = await listAgents(test.db, { leaseMs: LEASE });
    expect(again.agents.find((a) => a.id === quiet)?.state).toBe("online");
  });

  it("shows the runs an agent holds, with their flow and deployment", async () => {
    const queue = uniqueName("q");
    const { deploymentId, flow } = await seedDeployment(test.db, undefined, queue);
    const agent = await agentOn([queue]);
    const run = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: LEASE });
    await claimFlowRuns(test.db, {
      agentId: agent,
      queues: [queue],
      tags: [],
      capacity: 2,
      leaseMs: LEASE,
    });
    const { agents } = await listAgents(test.db, { leaseMs: LEASE });
    expect(agents.find((a) => a.id === agent)?.runs).toEqual([
      { id: run.id, state: "Pending", flow: flow.name, deployment: "test", startedAt: null },
    ]);
  });
});

describe("why no agent would take a queue's runs", () => {
  it("no agent, an agent without the tag, an offline agent, a paused queue — and none once one serves it", async () => {
    const queue = uniqueName("q");
    await seedDeployment(test.db, undefined, queue);
    const warnings = () => agentCoverageWarnings(test.db, { queue, tags: ["gpu"], leaseMs: LEASE });

    expect(await warnings()).toEqual([
      `no online agent serves work queue "${queue}" with tags gpu: runs wait until one does (start one with node pipebook-agent.mjs start --queue ${queue} --tags gpu)`,
    ]);
    await agentOn([queue]);
    expect(await warnings()).toEqual([
      `no online agent serves work queue "${queue}" with tags gpu (1 serves the queue without that tag): start one with node pipebook-agent.mjs start --queue ${queue} --tags gpu`,
    ]);
    const tagged = await agentOn([queue], ["gpu", "big"]);
    expect(await warnings()).toEqual([]);
    await lastHeard(tagged, ago(LEASE + 1_000));
    expect(await warnings()).toHaveLength(1);
    await lastHeard(tagged, new Date());

    await setWorkQueuePaused(test.db, queue, true);
    expect(await warnings()).toEqual([
      `work queue "${queue}" is paused: its runs wait until it is resumed (pipebook work-queue resume ${queue})`,
    ]);
    await setWorkQueuePaused(test.db, queue, false);
    expect(await warnings()).toEqual([]);
  });

  it("deploying answers with the warnings", async () => {
    const flow = await seedFlow(test.db, threeTasks());
    const queue = uniqueName("gpu-jobs");
    const input = {
      flow: flow.name,
      name: "nightly",
      parameters: {},
      workQueue: queue,
      tags: ["gpu"],
      retries: 0,
      retryDelaySeconds: 0,
      runner: "process" as const,
    };
    const first = await deploy(test.db, input, { leaseMs: LEASE });
    expect(first).toMatchObject({
      name: "nightly",
      workQueue: queue,
      tags: ["gpu"],
      created: true,
    });
    expect(first.warnings).toEqual([
      expect.stringContaining(`no online agent serves work queue "${queue}" with tags gpu`),
    ]);
    await agentOn([queue], ["gpu"]);
    const second = await deploy(test.db, input, { leaseMs: LEASE });
    expect(second).toMatchObject({ id: first.id, created: false, warnings: [] });
  });
});
