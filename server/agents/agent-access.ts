// What a key may do in the agent protocol: an agent key registers agents only on its own work
// queues; an agent answers only to the key that registered it (no other key can claim, heartbeat,
// stop or report as it); a run is reported on only by the key whose agent holds it. Admin user
// keys may run agents too (on any queue), bound the same way.
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { findAgent } from "./find-agent.ts";

/** Refuses callers that may not speak the agent protocol at all. */
export function requireAgentCaller(principal: Principal): void {
  if (principal.keyKind === "agent") return;
  if (principal.via === "api-key" && principal.role === "admin") return;
  throw new PipebookError(
    "forbidden",
    "the agent protocol needs an agent key (create one in the studio's Agents page or with `pipebook key create --agent --queue Q`)",
  );
}

export function requireQueuesOfKey(principal: Principal, queues: readonly string[]): void {
  if (principal.keyKind !== "agent") return;
  const outside = queues.filter((q) => !principal.queues.includes(q));
  if (outside.length) {
    throw new PipebookError(
      "forbidden",
      `this agent key serves only work queue${principal.queues.length === 1 ? "" : "s"} ${principal.queues.join(", ") || "(none)"}, not ${outside.join(", ")}: start the agent with --queue ${principal.queues[0] ?? "Q"} or use a key made for those queues`,
    );
  }
}

export async function requireAgentOfCaller(
  db: Db,
  agentId: string,
  principal: Principal,
): Promise<void> {
  const agent = await findAgent(db, agentId);
  if (agent.apiKeyId !== principal.keyId) {
    throw new PipebookError(
      "forbidden",
      `agent ${agentId} was registered with another API key: register this agent with its own key`,
    );
  }
}

/** Whether the run's agent (its API key `holderKeyId`, null without an agent) is the caller's. */
export function keyHoldsRun(holderKeyId: string | null, callerKeyId: string | null): boolean {
  return holderKeyId !== null && holderKeyId === callerKeyId;
}

/** The refusal of a caller whose key's agents do not hold the run. */
export function runNotHeldByCaller(flowRunId: string): PipebookError {
  return new PipebookError(
    "forbidden",
    `flow run ${flowRunId} is not held by an agent of this API key`,
  );
}

/**
 * The run must be held by an agent of the calling key (its lease is checked later, as before).
 * One statement: it runs before every cache lookup, artifact and storage transfer of a run.
 * (A report batch makes the same check in its own first read: report-batch.ts.)
 */
export async function requireRunOfCaller(
  db: Db,
  flowRunId: string,
  principal: Principal,
): Promise<void> {
  const [run] = isUuid(flowRunId)
    ? await db.$queryRaw<{ holderKeyId: string | null }[]>`
        SELECT a."apiKeyId"::text AS "holderKeyId"
        FROM "FlowRun" f LEFT JOIN "Agent" a ON a.id = f."agentId"
        WHERE f.id = ${flowRunId}::uuid`
    : [];
  if (!run) throw new NotFoundError("flow run", flowRunId);
  if (!keyHoldsRun(run.holderKeyId, principal.keyId)) throw runNotHeldByCaller(flowRunId);
}
