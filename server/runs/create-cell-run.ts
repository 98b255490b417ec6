// "Run cell": a flow run of one task of a saved version plus the upstream tasks it needs (see
// plan-cell-run.ts). Upstream results from earlier runs of the flow are copied in as Cached task
// runs (replay/reuse-results.ts, as replays do), so the agent receives them as completed and
// runs only the rest. The run goes where the
// flow's most recently updated deployment runs (its queue, tags and runner), else to the queue
// "default"; its parameters are the given ones, else those of the flow's last run (when they
// still fit the schema), with the schema's defaults filled in.
import type { FlowFile, Task } from "../../contract/flow-file/schema.ts";
import { validateParameters } from "../../contract/parameters.ts";
import { SUCCESSFUL_TASK_RUN_STATES } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { checkParameters } from "../parameters/check-parameters.ts";
import { ensureWorkQueue } from "../queues/ensure-work-queue.ts";
import { insertScheduledFlowRun } from "./state-machine/index.ts";
import { stateList, textArray } from "./state-machine/sql.ts";
import { planCellRun } from "./plan-cell-run.ts";
import { reuseResults } from "./replay/reuse-results.ts";
import { sameTask } from "./replay/task-changes.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export type CellRunInput = {
  flow: string;
  /** The saved version whose code runs. */
  version: number;
  task: string;
  parameters?: Record<string, unknown>;
  actor?: Actor;
};

export type CreatedCellRun = {
  id: string;
  state: "Scheduled";
  /** Tasks that execute, the cell's task last. */
  run: string[];
  /** Upstream tasks whose earlier results are reused. */
  reused: string[];
};

type EarlierResult = {
  name: string;
  taskRunId: string;
  flowRunId: string;
  flowVersionId: string;
  resultFromRunId: string | null;
};

export async function createCellRun(db: Db, input: CellRunInput): Promise<CreatedCellRun> {
  const flow = await db.flow.findUnique({
    where: { name: input.flow },
    select: {
      id: true,
      versions: { where: { version: input.version }, select: { id: true } },
      deployments: {
        orderBy: { updatedAt: "desc" },
        take: 1,
        select: {
          id: true,
          workQueueId: true,
          workQueue: { select: { name: true } },
          tags: true,
          parameters: true,
        },
      },
      flowRuns: { orderBy: { createdAt: "desc" }, take: 1, select: { parameters: true } },
    },
  });
  if (!flow) throw new NotFoundError("flow", input.flow);
  const versionId = flow.versions[0]?.id;
  if (!versionId) throw new NotFoundError(`version ${input.version} of flow`, input.flow);
  const version = await getFlowVersion(db, versionId);
  const tasks = version.spec.tasks;
  if (!tasks.some((t) => t.name === input.task)) {
    throw new PipebookError(
      "not_found",
      `flow "${input.flow}" v${input.version} has no task "${input.task}": save the flow first`,
    );
  }

  const deployment = flow.deployments[0];
  const parameters = checkParameters(
    version.spec.parameters,
    input.parameters ??
      reusableParameters(version.spec, flow.flowRuns[0]?.parameters) ??
      deployment?.parameters ??
      {},
    { context: `for a cell run of task "${input.task}"` },
  );

  const earlier = await latestResults(db, flow.id, tasks, input.task);
  const unchanged = new Map<string, EarlierResult>();
  for (const result of earlier) {
    const then = (await getFlowVersion(db, result.flowVersionId)).spec.tasks;
    const now = tasks.find((t) => t.name === result.name);
    if (
      sameTask(
        then.find((t) => t.name === result.name),
        now,
      )
    ) {
      unchanged.set(result.name, result);
    }
  }
  const plan = planCellRun(tasks, input.task, new Set(unchanged.keys()));
  const names = version.executable
    .map((t) => t.name)
    .filter((n) => plan.run.includes(n) || plan.reuse.includes(n));

  const created = await db.$transaction(async (tx) => {
    const queue = deployment
      ? { id: deployment.workQueueId, name: deployment.workQueue.name }
      : await ensureWorkQueue(tx, "default");
    const run = await insertScheduledFlowRun(
      tx,
      {
        flowId: flow.id,
        flowVersionId: versionId,
        deploymentId: deployment?.id ?? null,
        cellTask: input.task,
        workQueueId: queue.id,
        tags: deployment?.tags ?? [],
        parameters: toJson(parameters),
        maxRetries: 0,
        scheduledAt: new Date(),
        createdById: input.actor?.userId ?? null,
      },
      names,
    );
    await audit(
      tx,
      input.actor ?? SYSTEM_ACTOR,
      "run.cell",
      { type: "flowRun", id: run.id, name: `${input.flow}:${input.task}` },
      { flow: input.flow, version: input.version, task: input.task },
    );
    await reuseResults(
      tx,
      run.id,
      plan.reuse.map((name) => {
        const earlier = unchanged.get(name)!;
        return {
          task: name,
          sourceTaskRunId: earlier.taskRunId,
          fromRunId: earlier.resultFromRunId ?? earlier.flowRunId,
        };
      }),
    );
    return { id: run.id, queue: queue.name };
  });
  publish("run-queued", created.queue);
  return { id: created.id, state: "Scheduled", run: plan.run, reused: plan.reuse };
}

/** The last run's parameters, when they are still valid for this version's schema. */
function reusableParameters(spec: FlowFile, last: unknown): Record<string, unknown> | undefined {
  if (!last || typeof last !== "object") return undefined;
  const result = validateParameters(spec.parameters, last);
  return result.ok ? (last as Record<string, unknown>) : undefined;
}

/** Per upstream task of the target, its most recent Completed or Cached result in this flow. */
async function latestResults(
  db: Db,
  flowId: string,
  tasks: readonly Task[],
  target: string,
): Promise<EarlierResult[]> {
  const upstream = tasks.filter((t) => t.name !== target).map((t) => t.name);
  if (upstream.length === 0) return [];
  return db.$queryRaw<EarlierResult[]>`
    SELECT DISTINCT ON (t.name) t.name, t.id AS "taskRunId", t."flowRunId", r."flowVersionId",
      t."resultFromRunId"
    FROM "FlowRun" r
    JOIN "TaskRun" t ON t."flowRunId" = r.id
    JOIN "Result" res ON res."taskRunId" = t.id
    WHERE r."flowId" = ${flowId}::uuid
      AND t.name = ANY(${textArray(upstream)}::text[]) AND t."mapIndex" = -1
      AND t.state IN ${stateList(SUCCESSFUL_TASK_RUN_STATES)}
    ORDER BY t.name, t."endedAt" DESC NULLS LAST`;
}
