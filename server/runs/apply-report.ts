// Applying an agent's batch of events for a run it holds: log lines, task state changes with
// their results, and the run's own state — behind the lease fence, so a batch counts exactly
// once (re-sends are acknowledged, not re-applied) and a batch from an agent that lost its lease
// changes nothing (only its log lines are kept, when its run was taken over: late-logs.ts). A
// run that Failed with deployment retries left is queued again. The values of the secrets the
// run declares are masked first: no log line or result is stored with one.
import type { ReportRequest, ReportResponse } from "../../contract/agent-protocol.ts";
import { isActiveFlowRunState, isFinalFlowRunState } from "../../contract/run-states.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { isWriteConflict } from "../db/sql-state.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { runNotHeldByCaller } from "../agents/agent-access.ts";
import { runMasker } from "../secrets/run-masks.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import {
  applyReportBatch,
  raceLost,
  retryFlowRun,
  storeLateLogs,
  type BatchOutcome,
  type ReportBatch,
} from "./state-machine/index.ts";

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
  const input: ReportBatch = {
    ...stored,
    flowRunId,
    leaseMs: options.leaseMs,
    callerKeyId: options.callerKeyId,
  };
  // A batch is one statement, atomic by itself (report-batch.ts) — except one that fails the
  // run, which may queue it again (deployment retries): the failure and the retry commit
  // together, or a crash between them would leave a Failed run that never retries.
  const failsRun = stored.events.some((e) => e.type === "flow" && e.state === "Failed");
  const batch: BatchOutcome & { retriedOn?: string } = failsRun
    ? await db
        .$transaction(async (tx) =>
          retryIfFailed(tx, flowRunId, await applyReportBatch(tx, input, { inTransaction: true })),
        )
        .catch((error: unknown) => {
          throw isWriteConflict(error) ? raceLost(input) : error;
        })
    : await applyReportBatch(db, input);
  if (batch.outcome === "forbidden") throw runNotHeldByCaller(flowRunId);
  if (batch.outcome === "refused") throw await refusal(db, input, batch);
  const applied = batch.outcome === "applied";
  if (applied) publish("run-changed", flowRunId);
  if (batch.retriedOn) publish("run-queued", batch.retriedOn);
  else if (applied && isFinalFlowRunState(batch.state)) publish("run-ended", flowRunId);
  return { applied, cancel: batch.state === "Cancelling" };
}

/** A run the batch failed goes back to its queue when its deployment has retries left. */
async function retryIfFailed(
  tx: Tx,
  flowRunId: string,
  batch: BatchOutcome,
): Promise<BatchOutcome & { retriedOn?: string }> {
  if (batch.outcome !== "applied" || batch.state !== "Failed") return batch;
  if (!(await retryFlowRun(tx, flowRunId))) return batch;
  const run = await tx.flowRun.findUniqueOrThrow({
    where: { id: flowRunId },
    select: { workQueue: { select: { name: true } } },
  });
  return { ...batch, retriedOn: run.workQueue.name };
}

/** Why a refused batch was refused, its lines kept when they are a late agent's. */
async function refusal(
  db: Db,
  input: ReportBatch,
  batch: Extract<BatchOutcome, { outcome: "refused" }>,
): Promise<PipebookError> {
  const { flowRunId } = input;
  if (batch.state === null) return new NotFoundError("flow run", flowRunId);
  if (batch.leaseHeld && isActiveFlowRunState(batch.state)) {
    return new PipebookError(
      "conflict",
      `report batch ${input.seq} arrived out of order (the last applied was ${batch.reportSeq}): send batches in order`,
      { reportSeq: batch.reportSeq },
    );
  }
  const lateLogsStored = await db.$transaction((tx) => storeLateLogs(tx, input));
  // A superseded lease of the run (a secret only the agent that claimed under it was given) is
  // a late agent's, whoever holds the run now: its lines are kept (before, the batches of a late
  // agent whose retried run waited unclaimed were refused as another key's, and its agent
  // dropped them: lines lost, found by the chaos test). Any other lease from a key whose agent
  // does not hold the run is refused as before.
  if (!lateLogsStored && !batch.callerHolds) return runNotHeldByCaller(flowRunId);
  if (lateLogsStored) publish("run-changed", flowRunId);
  return leaseLost(flowRunId, batch.state, lateLogsStored);
}
