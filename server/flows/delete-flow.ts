// Deleting a flow from the studio, with its versions, deployments and runs.
import type { Db } from "../db/client.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { forgetDeployments } from "../deployments/deployment-cache.ts";
import { ACTIVE_FLOW_RUN_STATES } from "../../contract/run-states.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

/**
 * Deletes a flow with its versions, deployments and runs. Refused while a run of it is active:
 * an agent is executing it, and pulling the rows from under it would lose its logs.
 */
export async function deleteFlow(
  db: Db,
  name: string,
  actor: Actor = SYSTEM_ACTOR,
): Promise<{ id: string }> {
  const deleted = await db.$transaction(async (tx) => {
    const flow = await tx.flow.findUnique({ where: { name }, select: { id: true } });
    if (!flow) throw new NotFoundError("flow", name);
    const active = await tx.flowRun.count({
      where: { flowId: flow.id, state: { in: [...ACTIVE_FLOW_RUN_STATES] } },
    });
    if (active > 0) {
      throw new PipebookError(
        "conflict",
        `flow "${name}" has ${active} run(s) running: cancel them (or let them finish) before deleting it`,
      );
    }
    await tx.flow.delete({ where: { id: flow.id } });
    await audit(tx, actor, "flow.delete", { type: "flow", id: flow.id, name });
    return { id: flow.id };
  });
  forgetDeployments(db);
  return deleted;
}
