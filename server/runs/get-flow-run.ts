// A flow run with its task runs, in the API's shape (contract/api-v1.ts FlowRunSchema).
import type { FlowRunView } from "../../contract/api-v1.ts";
import { displayFlowRunState } from "../../contract/run-states.ts";
import { agentCoverageWarnings } from "../agents/coverage.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function getFlowRun(
  db: Db,
  id: string,
  options: { lateAfterMs: number; leaseMs: number; now?: Date },
): Promise<FlowRunView> {
  const run = isUuid(id)
    ? await db.flowRun.findUnique({
        where: { id },
        select: {
          id: true,
          state: true,
          stateMessage: true,
          createdAt: true,
          scheduledAt: true,
          startedAt: true,
          endedAt: true,
          parameters: true,
          tags: true,
          attempt: true,
          logLines: true,
          parentRunId: true,
          replayKind: true,
          replayTask: true,
          flow: { select: { name: true } },
          flowVersion: { select: { version: true } },
          deployment: { select: { id: true, name: true } },
          agent: { select: { id: true, name: true, hostname: true } },
          cellTask: true,
          workQueue: { select: { name: true, paused: true } },
          replays: {
            orderBy: { createdAt: "asc" },
            select: {
              id: true,
              replayKind: true,
              replayTask: true,
              state: true,
              scheduledAt: true,
              createdAt: true,
            },
          },
          taskRuns: {
            orderBy: { position: "asc" },
            select: {
              name: true,
              state: true,
              attempts: true,
              startedAt: true,
              endedAt: true,
              error: true,
              resultFromRunId: true,
              result: { select: { value: true } },
            },
          },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", id);
  const context = {
    queuePaused: run.workQueue.paused,
    now: options.now ?? new Date(),
    lateAfterMs: options.lateAfterMs,
  };
  const state = displayFlowRunState(run, context);
  return {
    id: run.id,
    state,
    stateMessage: run.stateMessage,
    createdAt: run.createdAt.toISOString(),
    scheduledAt: run.scheduledAt.toISOString(),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    flow: { name: run.flow.name, version: run.flowVersion.version },
    deployment: run.deployment,
    cellTask: run.cellTask,
    workQueue: run.workQueue.name,
    parameters: run.parameters as Record<string, unknown>,
    tags: run.tags,
    attempt: run.attempt,
    agent: run.agent,
    replayOf:
      run.parentRunId && run.replayKind
        ? { id: run.parentRunId, kind: run.replayKind, task: run.replayTask }
        : null,
    replays: run.replays.flatMap((r) =>
      r.replayKind
        ? [
            {
              id: r.id,
              kind: r.replayKind,
              task: r.replayTask,
              state: displayFlowRunState(r, context),
              createdAt: r.createdAt.toISOString(),
            },
          ]
        : [],
    ),
    logLines: run.logLines,
    // Only a waiting run can be stuck for want of an agent.
    warnings:
      run.state === "Scheduled"
        ? await agentCoverageWarnings(db, {
            queue: run.workQueue.name,
            tags: run.tags,
            leaseMs: options.leaseMs,
          })
        : [],
    taskRuns: run.taskRuns.map((t) => ({
      name: t.name,
      state: t.state,
      attempts: t.attempts,
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      result: t.result?.value ?? null,
      error: (t.error as { type: string; message: string } | null) ?? null,
      resultFrom: t.resultFromRunId,
    })),
  };
}
