// Triggering a deployment: parameters are the deployment's defaults overlaid with the run's,
// validated strictly against the version's schema (defaults filled in). The run starts
// Scheduled with one Pending task run per task, in the flow's topological order — or, when an
// agent of its queue is waiting in this process, already claimed by it (see waiting-claims.ts).
import type { Db } from "../db/client.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { publish } from "../events/bus.ts";
import { runParameters } from "../parameters/check-parameters.ts";
import { takeWaiter } from "../agents/waiting-claims.ts";
import { limitsApplyTo, limitsInForce } from "../limits/limits-in-force.ts";
import { deploymentForRun, type DeploymentForRun } from "../deployments/deployment-cache.ts";
import {
  insertClaimedFlowRun,
  insertScheduledFlowRun,
  type NewFlowRun,
} from "./state-machine/index.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { auditInsert, type AuditDetails } from "../audit/record.ts";

export type CreateFlowRunInput = {
  deploymentId: string;
  parameters: Record<string, unknown>;
  /** Who triggered it (the server itself for a schedule or a test's seed). */
  actor?: Actor;
  scheduledAt?: Date;
  /** The lease a waiting agent gets when the run is handed straight to it. */
  leaseMs: number;
  /** "Refresh caches": cached tasks run again and write fresh entries. */
  refreshCaches?: boolean;
};

/** A new run of `deployment`: its routing and retries copied, so they never change under it. */
export function runOfDeployment(
  deployment: Pick<
    DeploymentForRun,
    "id" | "flowId" | "flowVersionId" | "workQueueId" | "tags" | "retries"
  >,
  parameters: Record<string, unknown>,
  extra: Pick<
    NewFlowRun,
    "scheduledAt" | "createdById" | "scheduleId" | "backfillId" | "backfillSlot"
  >,
): NewFlowRun {
  return {
    flowId: deployment.flowId,
    flowVersionId: deployment.flowVersionId,
    deploymentId: deployment.id,
    workQueueId: deployment.workQueueId,
    tags: deployment.tags,
    parameters: toJson(parameters),
    maxRetries: deployment.retries,
    ...extra,
  };
}

export async function createFlowRun(
  db: Db,
  input: CreateFlowRunInput,
): Promise<{ id: string; state: "Scheduled" | "Pending" }> {
  const deployment = await deploymentForRun(db, input.deploymentId);
  if (!deployment) throw new NotFoundError("deployment", input.deploymentId);

  const version = await getFlowVersion(db, deployment.flowVersionId);
  const parameters = runParameters(
    version.spec.parameters,
    deployment.parameters,
    input.parameters,
    `for a run of deployment "${deployment.name}"`,
  );
  const scheduledAt = input.scheduledAt ?? new Date();
  const actor = input.actor ?? SYSTEM_ACTOR;
  const details: AuditDetails = {
    deploymentId: deployment.id,
    parameters: Object.keys(input.parameters),
    ...(input.refreshCaches ? { refreshCaches: true } : {}),
  };
  const run = {
    ...runOfDeployment(deployment, parameters, { scheduledAt, createdById: actor.userId }),
    refreshCaches: input.refreshCaches ?? false,
  };
  const record = auditInsert(
    actor,
    "run.create",
    { type: "flowRun", name: deployment.name },
    details,
  );
  const taskNames = version.executable.map((t) => t.name);

  const queue = deployment.workQueue;
  // A run a limit may hold back is not handed over: it is queued, and the claim — serialized
  // under the limits' lock — takes it when a slot is free.
  const limited = limitsApplyTo(await limitsInForce(db), deployment);
  const waiter =
    !queue.paused && !limited && scheduledAt.getTime() <= Date.now()
      ? takeWaiter(queue.name, deployment.tags)
      : undefined;
  if (waiter) {
    try {
      const claimed = await insertClaimedFlowRun(
        db,
        run,
        taskNames,
        {
          agentId: waiter.agentId,
          leaseMs: input.leaseMs,
          deploymentName: deployment.name,
          runner: deployment.runner,
          image: deployment.image,
          daskScheduler: deployment.daskScheduler,
        },
        record,
      );
      waiter.deliver({ rows: [claimed] });
      return { id: claimed.id, state: "Pending" };
    } catch (error) {
      waiter.deliver({ retry: true });
      throw error;
    }
  }
  // One statement writes the run, its tasks, its history and its audit event: no transaction.
  const created = await insertScheduledFlowRun(db, run, taskNames, record);
  // Wakes agents long-polling this queue on every replica: the run starts without a polling tick.
  publish("run-queued", queue.name);
  return { id: created.id, state: created.state };
}
