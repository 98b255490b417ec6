// Creating (or updating) a deployment: the flow's latest version, default parameters checked
// against its schema (required ones may be left to each run), and a work queue made on first
// use. Deploying the same flow and name again updates that deployment, as `prefect deploy` does.
import {
  CreateDeploymentRequestSchema,
  type CreateDeploymentResponse,
} from "../../contract/api-v1.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type * as z from "zod";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { PipebookError } from "../errors.ts";
import { checkParameters } from "../parameters/check-parameters.ts";
import { resolveStorage } from "../storage/storages.ts";
import { ensureWorkQueue } from "../queues/ensure-work-queue.ts";
import { checkDeclaredNamesExist } from "../secrets/check-declared.ts";
import { agentCoverageWarnings } from "../agents/coverage.ts";
import { forgetDeployments } from "./deployment-cache.ts";
import { announceCancelled } from "../runs/cancel-waiting-runs.ts";
import { checkDeclaredSchedules, syncSchedules } from "../schedules/sync-schedules.ts";
import { getDeployment } from "./get-deployment.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

/** The request as the API takes it (defaults filled in here: tests and seeds leave them out). */
export type CreateDeploymentInput = z.input<typeof CreateDeploymentRequestSchema>;

/**
 * Deploys (createDeployment) and answers as the API, the CLI and the studio show it: the
 * deployment, and why no agent would take its runs now — said at once, rather than leaving its
 * runs to wait in silence.
 */
export async function deploy(
  db: Db,
  input: CreateDeploymentInput,
  options: { leaseMs: number; actor?: Actor },
): Promise<CreateDeploymentResponse> {
  const { id, created } = await createDeployment(db, input, options.actor);
  const deployment = await getDeployment(db, id);
  const warnings = await agentCoverageWarnings(db, {
    queue: deployment.workQueue,
    tags: deployment.tags,
    leaseMs: options.leaseMs,
  });
  return { ...deployment, created, warnings };
}

export async function createDeployment(
  db: Db,
  request: CreateDeploymentInput,
  actor: Actor = SYSTEM_ACTOR,
): Promise<{ id: string; created: boolean }> {
  const input = CreateDeploymentRequestSchema.parse(request);
  const flow = await db.flow.findUnique({
    where: { name: input.flow },
    select: {
      id: true,
      versions: {
        orderBy: { version: "desc" },
        take: 1,
        select: { id: true, version: true, spec: true },
      },
    },
  });
  const version = flow?.versions[0];
  if (!flow || !version) {
    throw new PipebookError(
      "not_found",
      `flow "${input.flow}" was not found: import it first (POST /api/v1/flows or "pipebook flow import FILE")`,
    );
  }
  const spec = version.spec as unknown as FlowFile;
  const parameters = checkParameters(spec.parameters, input.parameters, {
    partial: true,
    context: `for deployment "${input.name}" of flow "${input.flow}"`,
  });
  if (input.runner === "docker" && !input.image) {
    throw new PipebookError("bad_request", `the docker runner needs an "image" to run the flow in`);
  }
  if (input.daskScheduler && input.runner !== "dask") {
    throw new PipebookError(
      "bad_request",
      `"daskScheduler" is for runner "dask" (this deployment's runner is "${input.runner}")`,
    );
  }
  await checkDeclaredNamesExist(db, input.flow, spec.tasks);
  // No storage named: the deployment follows its flow's (server/storage/storage-choice.ts).
  const storage =
    input.storage === undefined
      ? { storageFollowsFlow: true, storageId: null }
      : { storageFollowsFlow: false, storageId: await resolveStorage(db, input.storage) };
  const now = new Date();
  const schedules =
    input.schedules &&
    checkDeclaredSchedules(
      input.schedules,
      { name: input.name, parameters, parameterSchema: spec.parameters },
      now,
    );

  for (let attempt = 1; ; attempt++) {
    try {
      const saved = await db.$transaction(async (tx) => {
        const queue = await ensureWorkQueue(tx, input.workQueue);
        const data = {
          description: input.description ?? "",
          flowVersionId: version.id,
          parameters: toJson(parameters),
          workQueueId: queue.id,
          tags: [...new Set(input.tags)],
          retries: input.retries,
          retryDelaySeconds: input.retryDelaySeconds,
          runner: input.runner,
          image: input.image ?? null,
          daskScheduler: input.daskScheduler ?? null,
          ...storage,
          catchup: input.catchup,
          catchupMax: input.catchupMax,
          overlap: input.overlap,
        };
        const existing = await tx.deployment.findUnique({
          where: { flowId_name: { flowId: flow.id, name: input.name } },
          select: { id: true },
        });
        const details = {
          flow: input.flow,
          version: version.version,
          workQueue: queue.name,
          runner: input.runner,
        };
        const target = { type: "deployment", name: `${input.flow}/${input.name}` } as const;
        let result: { id: string; created: boolean };
        if (existing) {
          await tx.deployment.update({ where: { id: existing.id }, data });
          await audit(tx, actor, "deployment.update", { ...target, id: existing.id }, details);
          result = { id: existing.id, created: false };
        } else {
          const created = await tx.deployment.create({
            data: { ...data, flowId: flow.id, name: input.name },
            select: { id: true },
          });
          await audit(tx, actor, "deployment.create", { ...target, id: created.id }, details);
          result = { id: created.id, created: true };
        }
        const withdrawn = schedules
          ? await syncSchedules(tx, result.id, schedules, { now, actor })
          : [];
        return { ...result, withdrawn };
      });
      if (!saved.created) forgetDeployments(db, saved.id);
      announceCancelled(saved.withdrawn);
      return { id: saved.id, created: saved.created };
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
