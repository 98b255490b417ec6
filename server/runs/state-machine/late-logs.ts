// The log lines of an agent that came back too late. When the lease reaper crashes a run whose
// agent went silent (the re-attach grace ended, or a flow-level retry takes the run over), it
// keeps the lease in SupersededLease (lease-expiry.ts). The late agent's report batches under
// that lease are still refused — they change no state — but their log lines are what its task
// printed before anyone told it to stop, often while the link was down, and they are stored
// under the attempt that printed them. Each batch counts once: SupersededLease.reportSeq carries
// the lease's batch numbering on from where the run's left off.
import type { LogEvent } from "../../../contract/agent-protocol.ts";
import type { Tx } from "../../db/client.ts";
import { blocksOfEvents, planChunks } from "../logs/chunks.ts";
import type { ReportBatch } from "./report-batch.ts";
import { boundReportTimes } from "./report-times.ts";

type SupersededRow = {
  reportSeq: number;
  claimedAt: Date | string;
  logLines: number;
  serverNow: Date | string;
};

/**
 * Stores the log lines of a batch sent under a superseded lease of the run. Returns false when
 * the lease is not a superseded one of this run (then nothing is stored); true when the batch's
 * lines are stored now or were already (a re-sent batch).
 */
export async function storeLateLogs(tx: Tx, batch: ReportBatch): Promise<boolean> {
  const [lease] = await tx.$queryRaw<SupersededRow[]>`
    SELECT s."reportSeq", s."claimedAt", f."logLines", now() AS "serverNow"
    FROM "SupersededLease" s JOIN "FlowRun" f ON f.id = s."flowRunId"
    WHERE s."leaseId" = ${batch.leaseId}::uuid AND s."flowRunId" = ${batch.flowRunId}::uuid
    FOR UPDATE OF f, s`;
  if (!lease) return false;
  if (batch.seq <= lease.reportSeq) return true;
  const logEvents = batch.events.filter((e): e is LogEvent => e.type === "log");
  const { logs } = boundReportTimes(
    {
      notBefore: new Date(lease.claimedAt).getTime(),
      notAfter: new Date(lease.serverNow).getTime(),
    },
    [],
    [...blocksOfEvents(logEvents), ...(batch.logs ?? [])],
  );
  const chunks = planChunks(lease.logLines + 1, logs);
  const lineCount = chunks.reduce((sum, c) => sum + c.count, 0);
  await tx.$executeRaw`
    WITH lease AS (
      UPDATE "SupersededLease" SET "reportSeq" = ${batch.seq} WHERE "leaseId" = ${batch.leaseId}::uuid
    ), run AS (
      UPDATE "FlowRun" SET "logLines" = "logLines" + ${lineCount}::int WHERE id = ${batch.flowRunId}::uuid
    )
    INSERT INTO "LogChunk" ("flowRunId", "firstLine", "lineCount", "taskName", "mapIndex", attempt, level, "firstAt", messages, offsets, search)
    SELECT ${batch.flowRunId}::uuid, c.first, c.count, c.task, c.item, c.attempt, c.level::"LogLevel", to_timestamp(c.at / 1000.0), c.messages::json, c.offsets::json, c.search
    FROM json_to_recordset(${JSON.stringify(chunks)}::json)
      AS c(first int, count int, task text, item int, attempt int, level text, at float8, messages text, offsets text, search text)`;
  return true;
}
