// Applying an agent's batch of events for a run it holds: log lines, task state changes with
// their results, and the run's own state — behind the lease fence, so a batch counts exactly
// once (re-sends are acknowledged, not re-applied) and a batch from an agent that lost its lease
// changes nothing (only its log lines are kept, when its run was taken over: late-logs.ts). A
// run that Failed with deployment retries left is queued again. The values of the secrets the
// run declares are masked first: no log line or result is stored with one.
import type { ReportRequest, ReportResponse } from "../../contract/agent-protocol.ts";
import { isActiveFlowRunState, isFinalFlowRunState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { runNotHeldByCaller } from "../agents/agent-access.ts";
import { runMasker } from "../secrets/run-masks.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import { applyReportBatch, retryFlowRun, storeLateLogs } from "./state-machine/index.ts";

/**
 * The answer to a late agent: stop executing the run. `lateLogsStored`: the batch's log lines
 * were kept all the same (its lease was superseded: late-logs.ts), so the agent should send what
 * it still holds before it forgets the run.
 */
function leaseLost(flowRunId: string, state: string, lateLogsStored: boolean) {
  return new PipebookError(
    "lease_lost",
    `flow run ${flowRunId} is no longer held under this lease (it is ${state}): stop executing it`,
    lateLogsStored ? { state, lateLogsStored } : { state },
  );
}

export async function applyReport(
  db: Db,
  flowRunId: string,
  report: ReportRequest,
  options: {
    leaseMs: number;
    /** The caller's API key: the run must be held by an agent of it (report-batch.ts). */
    callerKeyId?: string | null;
  },
): Promise<ReportResponse> {
  if (!isUuid(flowRunId)) throw new NotFoundError("flow run", flowRunId);
  const masker = await runMasker(db, getSecretKey, flowRunId);
  const stored = masker ? masker.report(report) : report;
  let refused: PipebookError | null = null;
  const outcome = await db.$transaction(async (tx) => {
    const batch = await applyReportBatch(tx, {
      ...stored,
      flowRunId,
      leaseMs: options.leaseMs,
      callerKeyId: options.callerKeyId,
    });
    if (batch.outcome === "forbidden") throw runNotHeldByCaller(flowRunId);
    if (batch.outcome === "refused") {
      if (batch.state === null) throw new NotFoundError("flow run", flowRunId);
      if (!batch.leaseHeld || !isActiveFlowRunState(batch.state)) {
        // Returned, not thrown: the late lines stored here must commit.
        const lateLogsStored = await storeLateLogs(tx, {
          flowRunId,
          leaseMs: options.leaseMs,
          ...stored,
        });
        // A superseded lease of the run (a secret only the agent that claimed under it was
        // given) is a late agent's, whoever holds the run now: its lines are kept (before, the
        // batches of a late agent whose retried run waited unclaimed were refused as another
        // key's, and its agent dropped them: lines lost, found by the chaos test). Any other
        // lease from a key whose agent does not hold the run is refused as before.
        if (!lateLogsStored && !batch.callerHolds) throw runNotHeldByCaller(flowRunId);
        refused = leaseLost(flowRunId, batch.state, lateLogsStored);
        return null;
      }
      throw new PipebookError(
        "conflict",
        `report batch ${report.seq} arrived out of order (the last applied was ${batch.reportSeq}): send batches in order`,
        { reportSeq: batch.reportSeq },
      );
    }
    let retriedOn: string | null = null;
    if (
      batch.outcome === "applied" &&
      batch.state === "Failed" &&
      (await retryFlowRun(tx, flowRunId))
    ) {
      const run = await tx.flowRun.findUniqueOrThrow({
        where: { id: flowRunId },
        select: { workQueue: { select: { name: true } } },
      });
      retriedOn = run.workQueue.name;
    }
    return { applied: batch.outcome === "applied", state: batch.state, retriedOn };
  });
  if (!outcome) {
    if (refused!.details?.lateLogsStored) publish("run-changed", flowRunId);
    throw refused!;
  }
  if (outcome.applied) publish("run-changed", flowRunId);
  if (outcome.retriedOn) publish("run-queued", outcome.retriedOn);
  else if (outcome.applied && isFinalFlowRunState(outcome.state)) publish("run-ended", flowRunId);
  return { applied: outcome.applied, cancel: outcome.state === "Cancelling" };
}
