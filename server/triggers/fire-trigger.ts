// A trigger firing: the run it creates, with its parameters validated like any run's over the
// deployment's defaults, and its firing row — in one transaction. For a completion trigger the
// firing row is unique per (trigger, source run) and is inserted first: whoever inserts it
// (the "run-ended" listener of any replica, or a sweep) creates the run; everyone else finds
// the row there and does nothing. So each source run fires each trigger exactly once.
import type { Db, Tx } from "../db/client.ts";
import { NotFoundError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { runParameters } from "../parameters/check-parameters.ts";
import { deploymentForRun } from "../deployments/deployment-cache.ts";
import { runOfDeployment } from "../runs/create-flow-run.ts";
import { insertScheduledFlowRun } from "../runs/state-machine/index.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export type FiringTrigger = { id: string; name: string; deploymentId: string };

/** Who the audit log says created a triggered run: the trigger, by name. */
export const triggerActor = (trigger: { name: string }): Actor => ({
  userId: null,
  userName: `trigger:${trigger.name}`,
  keyId: null,
  via: "system",
});

/** The deployment's run as the trigger would create it, or the invalid-parameters error. */
export async function plannedRun(db: Db, trigger: FiringTrigger, given: Record<string, unknown>) {
  const deployment = await deploymentForRun(db, trigger.deploymentId);
  if (!deployment) throw new NotFoundError("deployment", trigger.deploymentId);
  const version = await getFlowVersion(db, deployment.flowVersionId);
  const parameters = runParameters(
    version.spec.parameters,
    deployment.parameters,
    given,
    `for a run of deployment "${deployment.name}" (trigger "${trigger.name}")`,
  );
  return {
    deployment,
    taskNames: version.executable.map((t) => t.name),
    run: runOfDeployment(deployment, parameters, { scheduledAt: new Date(), createdById: null }),
  };
}

type Planned = Awaited<ReturnType<typeof plannedRun>>;

/** Inserts the firing; null when this (trigger, source run) has fired already. */
async function claimFiring(
  tx: Tx,
  triggerId: string,
  sourceRunId: string | null,
  error: string | null,
) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "TriggerFiring" ("triggerId", "sourceRunId", error)
    VALUES (${triggerId}::uuid, ${sourceRunId}::uuid, ${error})
    ON CONFLICT ("triggerId", "sourceRunId") DO NOTHING
    RETURNING id`;
  return row?.id ?? null;
}

/**
 * Records one firing: the run `planned` (then returned), or `error` when there is none to make.
 * Null: the trigger had already fired for this source run.
 */
export async function recordFiring(
  db: Db,
  trigger: FiringTrigger,
  sourceRunId: string | null,
  outcome: { planned: Planned } | { error: string },
): Promise<{ runId: string | null } | null> {
  const result = await db.$transaction(async (tx) => {
    const error = "error" in outcome ? outcome.error : null;
    const firingId = await claimFiring(tx, trigger.id, sourceRunId, error);
    if (firingId === null) return null;
    if (!("planned" in outcome)) return { runId: null };
    const { planned } = outcome;
    const { id } = await insertScheduledFlowRun(tx, planned.run, planned.taskNames);
    await tx.$executeRaw`UPDATE "FlowRun" SET "triggerId" = ${trigger.id}::uuid WHERE id = ${id}::uuid`;
    await tx.triggerFiring.update({ where: { id: firingId }, data: { runId: id } });
    await audit(
      tx,
      triggerActor(trigger),
      "run.create",
      { type: "flowRun", id, name: planned.deployment.name },
      {
        deploymentId: planned.deployment.id,
        triggerId: trigger.id,
        sourceRunId,
        parameters: Object.keys(planned.run.parameters as object),
      },
    );
    return { runId: id };
  });
  // Wakes agents long-polling this queue on every replica (as createFlowRun does).
  if (result?.runId && "planned" in outcome) {
    publish("run-queued", outcome.planned.deployment.workQueue.name);
  }
  return result;
}
