// Triggering a deployment: parameters are the deployment's defaults overlaid with the run's,
// validated strictly against the version's schema (defaults filled in). The run starts
// Scheduled with one Pending task run per task, in the flow's topological order.
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { publish } from "../events/bus.ts";
import { checkParameters } from "../parameters/check-parameters.ts";
import { insertScheduledFlowRun } from "./state-machine/index.ts";

export type CreateFlowRunInput = {
  deploymentId: string;
  parameters: Record<string, unknown>;
  userId?: string | null;
  scheduledAt?: Date;
};

export async function createFlowRun(
  db: Db,
  input: CreateFlowRunInput,
): Promise<{ id: string; state: "Scheduled"; workQueueId: string }> {
  const deployment = isUuid(input.deploymentId)
    ? await db.deployment.findUnique({
        where: { id: input.deploymentId },
        select: {
          id: true,
          name: true,
          flowId: true,
          flowVersionId: true,
          workQueueId: true,
          workQueue: { select: { name: true } },
          tags: true,
          parameters: true,
          retries: true,
        },
      })
    : null;
  if (!deployment) throw new NotFoundError("deployment", input.deploymentId);

  const version = await getFlowVersion(db, deployment.flowVersionId);
  const parameters = checkParameters(
    version.spec.parameters,
    { ...(deployment.parameters as Record<string, unknown>), ...input.parameters },
    { context: `for a run of deployment "${deployment.name}"` },
  );
  const run = await insertScheduledFlowRun(
    db,
    {
      flowId: deployment.flowId,
      flowVersionId: deployment.flowVersionId,
      deploymentId: deployment.id,
      workQueueId: deployment.workQueueId,
      tags: deployment.tags,
      parameters: toJson(parameters),
      maxRetries: deployment.retries,
      scheduledAt: input.scheduledAt ?? new Date(),
      createdById: input.userId ?? null,
    },
    version.executable.map((t) => t.name),
  );
  // Wakes agents long-polling this queue: the run starts without waiting for a polling tick.
  publish("run-queued", deployment.workQueue.name);
  return { id: run.id, state: run.state, workQueueId: deployment.workQueueId };
}
