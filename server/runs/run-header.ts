// A flow run's own facts — state, times, where it runs, who ran it, its replays, why it waits —
// read once and shaped once for every view of a run: the API's flow run (get-flow-run.ts) and the
// studio's run page (run-page/get-run-page.ts).
import type { FlowRunView } from "../../contract/api-v1.ts";
import { displayFlowRunState } from "../../contract/run-states.ts";
import { agentCoverageWarnings } from "../agents/coverage.ts";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { waitingReasonOf } from "../limits/waiting-reasons.ts";

export const RUN_HEADER_SELECT = {
  id: true,
  state: true,
  stateMessage: true,
  unreachableSince: true,
  createdAt: true,
  scheduledAt: true,
  startedAt: true,
  endedAt: true,
  parameters: true,
  tags: true,
  attempt: true,
  maxRetries: true,
  logLines: true,
  error: true,
  parentRunId: true,
  replayKind: true,
  replayTask: true,
  refreshCaches: true,
  flowVersionId: true,
  flow: { select: { name: true } },
  flowVersion: { select: { version: true } },
  deployment: { select: { id: true, name: true } },
  agent: { select: { id: true, name: true, hostname: true } },
  cellTask: true,
  workQueue: { select: { name: true, paused: true } },
  trigger: { select: { id: true, name: true, kind: true } },
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
} satisfies Prisma.FlowRunSelect;

export type RunHeaderRow = Prisma.FlowRunGetPayload<{ select: typeof RUN_HEADER_SELECT }>;

export type RunHeader = Omit<FlowRunView, "taskRuns">;

export type RunViewOptions = { lateAfterMs: number; leaseMs: number; now?: Date };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function toRunHeader(
  db: Db,
  run: RunHeaderRow,
  options: RunViewOptions,
): Promise<RunHeader> {
  const context = {
    queuePaused: run.workQueue.paused,
    now: options.now ?? new Date(),
    lateAfterMs: options.lateAfterMs,
  };
  return {
    id: run.id,
    state: displayFlowRunState(run, context),
    stateMessage: run.stateMessage,
    unreachableSince: iso(run.unreachableSince),
    waitingFor: run.state === "Scheduled" ? await waitingReasonOf(db, run.id) : null,
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
    refreshCaches: run.refreshCaches,
    trigger: run.trigger,
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
  };
}
