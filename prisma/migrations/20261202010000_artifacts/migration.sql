-- Artifacts: files task attempts left in $PIPEBOOK_ARTIFACTS, kept in the run's storage; and
-- their retention limit beside logs and results.
-- CreateTable
CREATE TABLE "Artifact" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "flowRunId" UUID NOT NULL,
    "task" TEXT NOT NULL,
    "mapIndex" INTEGER NOT NULL DEFAULT -1,
    "attempt" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "contentType" TEXT NOT NULL,
    "storageId" UUID,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_flowRunId_task_mapIndex_attempt_name_key" ON "Artifact"("flowRunId", "task", "mapIndex", "attempt", "name");

-- CreateIndex
CREATE INDEX "Artifact_createdAt_idx" ON "Artifact"("createdAt");

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "RetentionSettings" ADD COLUMN "artifactsDays" INTEGER,
ADD COLUMN "passArtifactsDeleted" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "DeploymentRetention" ADD COLUMN "artifactsDays" INTEGER;
