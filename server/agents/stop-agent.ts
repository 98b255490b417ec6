// An agent shutting down hands back the runs it claimed but did not start, so another agent can
// take them now rather than after their leases expire. Runs it was still executing when its
// grace period ran out get their leases ended at once: the reaper marks them Crashed (and queues
// them again when their deployment has retries) within half a second.
import type { Db } from "../db/client.ts";
import { publish } from "../events/bus.ts";
import { releaseRuns, shortenLeases } from "../runs/state-machine/index.ts";
import { findAgent, forgetAgent } from "./find-agent.ts";

export async function stopAgent(
  db: Db,
  agentId: string,
  release: string[],
  leases: { reattachGraceMs: number },
): Promise<string[]> {
  const agent = await findAgent(db, agentId);
  const released = await db.$transaction((tx) =>
    releaseRuns(tx, { agentId: agent.id, runIds: release }),
  );
  await shortenLeases(db, {
    agentId: agent.id,
    withinMs: 0,
    reattachGraceMs: leases.reattachGraceMs,
  });
  await db.agent.update({ where: { id: agent.id }, data: { stoppedAt: new Date() } });
  forgetAgent(agent.id);
  for (const id of released) publish("run-changed", id);
  if (released.length) {
    const queues = await db.flowRun.findMany({
      where: { id: { in: released } },
      select: { workQueue: { select: { name: true } } },
    });
    for (const q of new Set(queues.map((r) => r.workQueue.name))) publish("run-queued", q);
  }
  return released;
}
