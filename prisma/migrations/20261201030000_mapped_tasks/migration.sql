-- Mapped tasks (issue 12): items are task runs of their own (mapIndex), their logs carry the item;
-- the dask runner and its scheduler address.
-- AlterEnum
ALTER TYPE "RunnerKind" ADD VALUE 'dask';

-- DropIndex
DROP INDEX "TaskRun_flowRunId_name_key";

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "daskScheduler" TEXT;

-- AlterTable
ALTER TABLE "LogChunk" ADD COLUMN     "mapIndex" INTEGER;

-- AlterTable
ALTER TABLE "TaskRun" ADD COLUMN     "inputPreview" TEXT,
ADD COLUMN     "mapCount" INTEGER,
ADD COLUMN     "mapIndex" INTEGER NOT NULL DEFAULT -1;

-- CreateIndex
CREATE UNIQUE INDEX "TaskRun_flowRunId_name_mapIndex_key" ON "TaskRun"("flowRunId", "name", "mapIndex");


