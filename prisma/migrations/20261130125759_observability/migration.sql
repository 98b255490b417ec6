-- Observability: replays (parent run, kind, the run a reused result came from), each attempt's
-- error in the state history, and log lines numbered 1..n within their run (edited by hand from
-- Prisma's draft so that existing lines keep their order and nothing is lost).
-- CreateEnum
CREATE TYPE "ReplayKind" AS ENUM ('retry', 'fromFailure', 'fromTask');

-- DropIndex
DROP INDEX "LogLine_flowRunId_id_idx";

-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "logLines" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "parentRunId" UUID,
ADD COLUMN     "replayKind" "ReplayKind",
ADD COLUMN     "replayTask" TEXT;

-- AlterTable: number existing lines in their insertion order, then key them by (run, line).
ALTER TABLE "LogLine" ADD COLUMN "line" INTEGER;
UPDATE "LogLine" l SET "line" = n.line
FROM (SELECT id, row_number() OVER (PARTITION BY "flowRunId" ORDER BY id)::int AS line FROM "LogLine") n
WHERE l.id = n.id;
UPDATE "FlowRun" f SET "logLines" = c.lines
FROM (SELECT "flowRunId", count(*)::int AS lines FROM "LogLine" GROUP BY "flowRunId") c
WHERE f.id = c."flowRunId";
ALTER TABLE "LogLine" DROP CONSTRAINT "LogLine_pkey",
DROP COLUMN "id",
ALTER COLUMN "line" SET NOT NULL,
ADD CONSTRAINT "LogLine_pkey" PRIMARY KEY ("flowRunId", "line");

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
