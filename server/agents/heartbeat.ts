// The heartbeat renews the agent's leases and then hangs until a cancel arrives for one of its
// runs (or the interval passes), so a cancel reaches the agent at once rather than on its next
// tick. If the agent's connection breaks off while hanging, the agent probably died: its leases
// are cut short, so its runs are Crashed in seconds instead of after the whole lease and the
// re-attach grace — unless this server is stopping and closed the connection itself
// (../stopping.ts). A heartbeat naming a run flagged unreachable re-attaches the agent to it.
import type { HeartbeatResponse } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { publish, waitFor } from "../events/bus.ts";
import { log } from "../log.ts";
import { renewLeases, shortenLeases } from "../runs/state-machine/index.ts";
import { isStopping } from "../stopping.ts";
import { findAgent } from "./find-agent.ts";

/** After a heartbeat breaks off, how long a live agent has to come back. */
export const SUSPECT_GRACE_MS = 3_000;

export async function heartbeat(
  db: Db,
  request: {
    agentId: string;
    runIds: string[];
    waitMs: number;
    leaseMs: number;
    reattachGraceMs: number;
    signal?: AbortSignal;
  },
): Promise<HeartbeatResponse> {
  const agent = await findAgent(db, request.agentId);
  // Subscribe before renewing: a cancel that lands in between still wakes this heartbeat.
  const cancel = waitFor("run-cancel", (payload) => payload === agent.id, {
    timeoutMs: request.waitMs,
    signal: request.signal,
  });
  const [renewed] = await Promise.all([
    renewLeases(db, { agentId: agent.id, runIds: request.runIds, leaseMs: request.leaseMs }),
    db.agent.update({ where: { id: agent.id }, data: { lastSeenAt: new Date() } }),
  ]);
  for (const run of renewed.filter((r) => r.reattached)) {
    log.info(`agent ${agent.id} re-attached to flow run ${run.id}`);
    publish("run-changed", run.id);
  }
  const states = new Map(renewed.map((r) => [r.id, r.state]));
  const statuses: HeartbeatResponse["runs"] = request.runIds.map((id) => ({
    flowRunId: id,
    status: !states.has(id) ? "lost" : states.get(id) === "Cancelling" ? "cancel" : "ok",
  }));
  if (request.waitMs === 0 || statuses.some((r) => r.status !== "ok")) {
    cancel.cancel();
    return { runs: statuses };
  }
  const woken = await cancel.promise;
  if (request.signal?.aborted && !isStopping()) {
    // All the agent's runs, not just those it listed: it may have claimed one since.
    await shortenLeases(db, {
      agentId: agent.id,
      withinMs: SUSPECT_GRACE_MS,
      reattachGraceMs: request.reattachGraceMs,
    }).catch(() => 0);
    return { runs: statuses };
  }
  if (request.signal?.aborted) return { runs: statuses };
  if (woken) {
    // A cancel for one of this agent's runs — perhaps one claimed after this heartbeat began.
    const cancelling = await db.flowRun.findMany({
      where: { agentId: agent.id, state: "Cancelling" },
      select: { id: true },
    });
    const listed = new Set(request.runIds);
    for (const run of cancelling) {
      const status = statuses.find((s) => s.flowRunId === run.id);
      if (status) status.status = "cancel";
      else if (!listed.has(run.id)) statuses.push({ flowRunId: run.id, status: "cancel" });
    }
  }
  return { runs: statuses };
}
