// Replaying a finished run (Retry, Retry from failure, Run from here): a new run of the same
// deployment, work queue and tags, linked to the run it replays, on that run's flow version or
// the flow's latest. In one transaction: the run and its Pending task runs (the state machine's
// insert), then the reused tasks moved to Cached with copies of their results (reuse-results.ts),
// and the kept items of mapped tasks that re-run only their other items (item-reuse.ts) copied
// in as Cached items. The agent that claims it receives those results and items as completed
// and runs only the rest.
//
// Notebook cell runs are refused (plan-replay.ts): they have no deployment to replay on, and Run
// cell in the editor already reuses what is still valid.
import type { ReplayView } from "../../../contract/api-v1.ts";
import type { FlowRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { toJson } from "../../db/json.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError, PipebookError } from "../../errors.ts";
import { publish } from "../../events/bus.ts";
import { insertScheduledFlowRun } from "../state-machine/index.ts";
import { insertReusedItems } from "../state-machine/insert-reused-items.ts";
import { loadReplay, type ReplayInput } from "./load-replay.ts";
import { reuseResults } from "./reuse-results.ts";
import { SYSTEM_ACTOR, type Actor } from "../../audit/actor.ts";
import { audit } from "../../audit/record.ts";

export { planReplay, type ReplayInput } from "./load-replay.ts";

export async function replayFlowRun(
  db: Db,
  input: ReplayInput & { actor?: Actor },
): Promise<ReplayView> {
  if (!isUuid(input.runId)) throw new NotFoundError("flow run", input.runId);
  const { id, loaded } = await db.$transaction(async (tx) => {
    // Hold the replayed run as it is while planning from it and copying its results (a Failed
    // run may yet be queued again by its deployment's retries, and run differently).
    const [now] = await tx.$queryRaw<{ state: FlowRunState }[]>`
      SELECT state::text AS state FROM "FlowRun" WHERE id = ${input.runId}::uuid FOR SHARE`;
    if (!now) throw new NotFoundError("flow run", input.runId);
    const loaded = await loadReplay(tx, input);
    const { plan, source, target } = loaded;
    const run = await insertScheduledFlowRun(
      tx,
      {
        flowId: source.flowId,
        flowVersionId: target.id,
        deploymentId: loaded.deployment?.id ?? null,
        workQueueId: source.workQueueId,
        tags: source.tags,
        parameters: toJson(plan.parameters),
        maxRetries: loaded.deployment?.retries ?? 0,
        scheduledAt: new Date(),
        createdById: input.actor?.userId ?? null,
        parentRunId: plan.replayOf.id,
        replayKind: plan.replayOf.kind,
        replayTask: plan.replayOf.task,
      },
      target.version.executable.map((t) => t.name),
    );
    await reuseResults(
      tx,
      run.id,
      plan.reused.map((r) => ({
        task: r.task,
        sourceTaskRunId: loaded.sourceTaskRunIds.get(r.task)!,
        fromRunId: r.fromRun,
      })),
    );
    // The mapped tasks that run only their items that did not complete keep the others; those
    // reused whole bring their items along.
    const kept = await insertReusedItems(tx, {
      flowRunId: run.id,
      sourceRunId: plan.replayOf.id,
      tasks: loaded.copiedItems.map((r) => r.task),
    });
    for (const { task, items } of loaded.copiedItems) {
      if ((kept.get(task) ?? 0) !== items) {
        throw new PipebookError(
          "conflict",
          `run ${run.id}: kept ${kept.get(task) ?? 0} of the ${items} completed items of task "${task}"; try again`,
        );
      }
    }
    await audit(
      tx,
      input.actor ?? SYSTEM_ACTOR,
      "run.replay",
      { type: "flowRun", id: run.id, name: loaded.deployment?.name ?? null },
      { kind: plan.replayOf.kind, task: plan.replayOf.task, replayOf: plan.replayOf.id },
    );
    return { id: run.id, loaded };
  });
  const { plan, source } = loaded;
  // Wakes the queue's agents on every replica, and the replayed run's page (its replays changed).
  publish("run-queued", source.queue);
  publish("run-changed", plan.replayOf.id);
  return { id, state: "Scheduled", ...plan };
}
