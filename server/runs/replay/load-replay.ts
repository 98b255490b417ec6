// Reading what a replay is planned from: the replayed run with its task runs, its version, and
// the version the replay runs (the run's own or the flow's latest), then the plan itself.
// planReplay answers previews; replayFlowRun creates what this plans.
import type { ReplayKind, ReplayPlanView, ReplayVersion } from "../../../contract/api-v1.ts";
import { SUCCESSFUL_TASK_RUN_STATES } from "../../../contract/run-states.ts";
import type { Db, Tx } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError } from "../../errors.ts";
import { getFlowVersion, type CachedVersion } from "../../flows/version-cache.ts";
import type { SourceItems } from "./item-reuse.ts";
import { planReplayTasks, refuseUnreplayable, replayMode } from "./plan-replay.ts";
import { replayParameters } from "./replay-parameters.ts";

export type ReplayInput = {
  runId: string;
  kind: ReplayKind;
  /** The task a fromTask replay starts from. */
  task?: string;
  version: ReplayVersion;
  /** Parameters instead of the replayed run's. */
  parameters?: Record<string, unknown>;
};

export type LoadedReplay = {
  plan: ReplayPlanView;
  source: { flowId: string; workQueueId: string; queue: string; tags: string[] };
  deployment: { id: string; name: string; retries: number } | null;
  target: { id: string; version: CachedVersion };
  /** Per task run of the replayed run that a reused task copies: its id. */
  sourceTaskRunIds: Map<string, string>;
  /**
   * The mapped tasks whose items the new run copies, with how many: those that re-run only the
   * items that did not complete, and those reused whole (so the new run lists their items too).
   */
  copiedItems: { task: string; items: number }[];
};

export async function planReplay(db: Db, input: ReplayInput): Promise<ReplayPlanView> {
  return (await loadReplay(db, input)).plan;
}

export async function loadReplay(db: Db | Tx, input: ReplayInput): Promise<LoadedReplay> {
  const mode = replayMode(input.kind, input.task);
  const run = isUuid(input.runId)
    ? await db.flowRun.findUnique({
        where: { id: input.runId },
        select: {
          id: true,
          state: true,
          cellTask: true,
          flowId: true,
          flowVersionId: true,
          parameters: true,
          tags: true,
          workQueueId: true,
          workQueue: { select: { name: true } },
          deployment: { select: { id: true, name: true, retries: true } },
          taskRuns: {
            where: { mapIndex: -1 },
            select: {
              id: true,
              name: true,
              state: true,
              resultFromRunId: true,
              mapCount: true,
              result: { select: { id: true } },
            },
          },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", input.runId);
  refuseUnreplayable(run);
  const items = await sourceItems(db, run.id, run.taskRuns);

  const targetId =
    input.version === "run"
      ? run.flowVersionId
      : (
          await db.flowVersion.findFirstOrThrow({
            where: { flowId: run.flowId },
            orderBy: { version: "desc" },
            select: { id: true },
          })
        ).id;
  // One after the other: inside a transaction `db` is one connection, and queries sent to a
  // connection at once queue in the driver anyway (pg deprecates it: "client.query() when the
  // client is already executing a query").
  const before = await getFlowVersion(db, run.flowVersionId);
  const target = await getFlowVersion(db, targetId);
  const parameters = replayParameters({
    sourceRunId: run.id,
    source: run.parameters as Record<string, unknown>,
    sourceSchema: before.spec.parameters,
    targetSchema: target.spec.parameters,
    target: `flow "${target.flow}" v${target.version}`,
    override: input.parameters,
  });
  const tasks = planReplayTasks({
    mode,
    source: {
      id: run.id,
      state: run.state,
      cellTask: run.cellTask,
      flow: before.flow,
      version: before.version,
      tasks: before.spec.tasks,
      taskRuns: run.taskRuns.map((t) => ({
        name: t.name,
        state: t.state,
        hasResult: t.result !== null,
        resultFromRunId: t.resultFromRunId,
        ...(items.has(t.name) ? { items: items.get(t.name) } : {}),
      })),
    },
    target: { version: target.version, tasks: inTopologicalOrder(target) },
    changedParameters: parameters.changed,
  });
  return {
    plan: {
      replayOf: { id: run.id, kind: input.kind, task: input.task ?? null },
      flowVersion: target.version,
      sourceFlowVersion: before.version,
      parameters: parameters.values,
      changedParameters: parameters.changed,
      ...tasks,
    },
    source: {
      flowId: run.flowId,
      workQueueId: run.workQueueId,
      queue: run.workQueue.name,
      tags: run.tags,
    },
    deployment: run.deployment,
    target: { id: targetId, version: target },
    sourceTaskRunIds: new Map(run.taskRuns.map((t) => [t.name, t.id])),
    copiedItems: [
      ...tasks.reusedItems,
      ...tasks.reused.flatMap((r) =>
        items.has(r.task) ? [{ task: r.task, items: items.get(r.task)!.kept }] : [],
      ),
    ],
  };
}

/**
 * The replayed run's mapped tasks' items: how many, and how many completed with a result kept
 * (item-reuse.ts) — one grouped read over the unique index, whatever the number of items.
 */
async function sourceItems(
  db: Db | Tx,
  runId: string,
  tasks: readonly { name: string; mapCount: number | null }[],
): Promise<Map<string, SourceItems>> {
  const mapped = tasks.filter((t) => t.mapCount !== null);
  if (mapped.length === 0) return new Map();
  const kept = await db.taskRun.groupBy({
    by: ["name"],
    where: {
      flowRunId: runId,
      mapIndex: { gte: 0 },
      state: { in: [...SUCCESSFUL_TASK_RUN_STATES] },
      result: { isNot: null },
    },
    _count: { _all: true },
  });
  const keptOf = new Map(kept.map((k) => [k.name, k._count._all]));
  return new Map(
    mapped.map((t) => [t.name, { count: t.mapCount!, kept: keptOf.get(t.name) ?? 0 }]),
  );
}

/** The version's tasks as its flow file states them, in the order its executable tasks run. */
function inTopologicalOrder(version: CachedVersion) {
  const byName = new Map(version.spec.tasks.map((t) => [t.name, t]));
  return version.executable.map((t) => byName.get(t.name)!);
}
