// Applying an agent's batch of events for a run it holds: log lines, task state changes with
// their results, and the run's own state — in one transaction, behind the lease fence, so a
// batch counts exactly once (re-sends are acknowledged, not re-applied) and a batch from an
// agent that lost its lease changes nothing.
import type { ReportRequest, ReportResponse, TaskEvent } from "../../contract/agent-protocol.ts";
import { flowRunStatesLeadingTo, type FlowRunState } from "../../contract/run-states.ts";
import type { Db, Tx } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import {
  acceptReportBatch,
  applyTaskChanges,
  retryFlowRun,
  transitionFlowRunOrThrow,
} from "./state-machine/index.ts";

const ACTIVE: FlowRunState[] = ["Pending", "Running", "Cancelling"];

export async function applyReport(
  db: Db,
  flowRunId: string,
  report: ReportRequest,
  options: { leaseMs: number },
): Promise<ReportResponse> {
  if (!isUuid(flowRunId)) throw new NotFoundError("flow run", flowRunId);
  const outcome = await db.$transaction(async (tx) => {
    const fence = await acceptReportBatch(tx, {
      flowRunId,
      leaseId: report.leaseId,
      seq: report.seq,
      leaseMs: options.leaseMs,
    });
    if (fence.outcome === "duplicate")
      return { applied: false, state: fence.state, retriedOn: null };
    if (fence.outcome === "refused") {
      if (fence.state === null) throw new NotFoundError("flow run", flowRunId);
      if (!fence.leaseHeld || !ACTIVE.includes(fence.state as FlowRunState)) {
        throw new PipebookError(
          "lease_lost",
          `flow run ${flowRunId} is no longer held under this lease (it is ${fence.state}): stop executing it`,
          { state: fence.state },
        );
      }
      throw new PipebookError(
        "conflict",
        `report batch ${report.seq} arrived out of order (the last applied was ${fence.reportSeq}): send batches in order`,
        { reportSeq: fence.reportSeq },
      );
    }
    return applyEvents(tx, flowRunId, report);
  });
  if (outcome.retriedOn) publish("run-queued", outcome.retriedOn);
  return { applied: outcome.applied, cancel: outcome.state === "Cancelling" };
}

async function applyEvents(tx: Tx, flowRunId: string, report: ReportRequest) {
  const logs = report.events.flatMap((e) => (e.type === "log" ? [e] : []));
  if (logs.length) {
    await tx.logLine.createMany({
      data: logs.map((l) => ({
        flowRunId,
        taskName: l.task,
        attempt: l.attempt,
        level: l.level,
        message: l.message,
        timestamp: new Date(l.at),
      })),
    });
  }

  const taskEvents = report.events.flatMap((e) => (e.type === "task" ? [e] : []));
  if (taskEvents.length) {
    const tasks = await applyTaskChanges(
      tx,
      flowRunId,
      taskEvents.map((e) => ({
        task: e.task,
        to: e.state,
        at: new Date(e.at),
        attempt: e.attempt,
        message: e.message ?? null,
        error: e.error ? toJson(e.error) : null,
        nextAttemptAt: e.nextAttemptAt ? new Date(e.nextAttemptAt) : null,
      })),
    );
    const results = taskEvents.filter(
      (e): e is TaskEvent => (e.state === "Completed" || e.state === "Cached") && "result" in e,
    );
    if (results.length) {
      await tx.result.createMany({
        data: results.map((e) => {
          const json = JSON.stringify(e.result ?? null);
          return {
            taskRunId: tasks.get(e.task)!.id,
            value: e.result === null || e.result === undefined ? Prisma.JsonNull : toJson(e.result),
            sizeBytes: Buffer.byteLength(json),
            cacheKey: e.cache?.key ?? null,
            expiresAt: e.cache?.expiresAt ? new Date(e.cache.expiresAt) : null,
          };
        }),
      });
    }
  }

  let state: string = "Running";
  let retriedOn: string | null = null;
  for (const event of report.events) {
    if (event.type !== "flow") continue;
    const from = flowRunStatesLeadingTo(event.state).filter((s) => ACTIVE.includes(s));
    await transitionFlowRunOrThrow(tx, {
      id: flowRunId,
      from,
      to: event.state,
      at: new Date(event.at),
      message: event.message ?? null,
      set: event.error ? { error: toJson(event.error) } : undefined,
    });
    state = event.state;
    if (event.state === "Failed" && (await retryFlowRun(tx, flowRunId))) {
      const run = await tx.flowRun.findUniqueOrThrow({
        where: { id: flowRunId },
        select: { workQueue: { select: { name: true } } },
      });
      retriedOn = run.workQueue.name;
      state = "Scheduled";
    }
  }
  if (!report.events.some((e) => e.type === "flow")) {
    const run = await tx.flowRun.findUniqueOrThrow({
      where: { id: flowRunId },
      select: { state: true },
    });
    state = run.state;
  }
  return { applied: true, state, retriedOn };
}
