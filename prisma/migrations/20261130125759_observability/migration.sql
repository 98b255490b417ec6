-- Observability: replays (parent run, kind, the run a reused result came from), each attempt's
-- error in the state history, and each run's count of log lines (the lines themselves move to
-- numbered chunks in 20261130133819_log_chunks).
-- CreateEnum
CREATE TYPE "ReplayKind" AS ENUM ('retry', 'fromFailure', 'fromTask');

-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "logLines" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "parentRunId" UUID,
ADD COLUMN     "replayKind" "ReplayKind",
ADD COLUMN     "replayTask" TEXT;

-- The lines each run has so far.
UPDATE "FlowRun" f SET "logLines" = c.lines
FROM (SELECT "flowRunId", count(*)::int AS lines FROM "LogLine" GROUP BY "flowRunId") c
WHERE f.id = c."flowRunId";

-- AlterTable
ALTER TABLE "TaskRun" ADD COLUMN     "resultFromRunId" UUID;

-- AlterTable
ALTER TABLE "TaskRunStateEvent" ADD COLUMN     "error" JSONB;

-- CreateIndex
CREATE INDEX "FlowRun_parentRunId_idx" ON "FlowRun"("parentRunId");

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "FlowRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskRun" ADD CONSTRAINT "TaskRun_resultFromRunId_fkey" FOREIGN KEY ("resultFromRunId") REFERENCES "FlowRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
