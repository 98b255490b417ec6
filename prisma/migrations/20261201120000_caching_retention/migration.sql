-- Caching policies (refresh caches, a Cached task's origin) and retention (server/retention/).
-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "refreshCaches" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "TaskRun" ADD COLUMN     "resultFromTaskRunId" UUID;

-- CreateTable
CREATE TABLE "RetentionSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "logsDays" INTEGER,
    "resultsDays" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "passStartedAt" TIMESTAMPTZ(3),
    "passEndedAt" TIMESTAMPTZ(3),
    "passLogsDeleted" INTEGER NOT NULL DEFAULT 0,
    "passResultsDeleted" INTEGER NOT NULL DEFAULT 0,
    "passError" TEXT,

    CONSTRAINT "RetentionSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeploymentRetention" (
    "deploymentId" UUID NOT NULL,
    "logsDays" INTEGER,
    "resultsDays" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeploymentRetention_pkey" PRIMARY KEY ("deploymentId")
);

-- CreateIndex
CREATE INDEX "FlowRun_endedAt_idx" ON "FlowRun"("endedAt");

-- CreateIndex
CREATE INDEX "Result_createdAt_idx" ON "Result"("createdAt");

-- CreateIndex
CREATE INDEX "TaskRun_resultFromTaskRunId_idx" ON "TaskRun"("resultFromTaskRunId");

-- AddForeignKey
ALTER TABLE "TaskRun" ADD CONSTRAINT "TaskRun_resultFromTaskRunId_fkey" FOREIGN KEY ("resultFromTaskRunId") REFERENCES "TaskRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeploymentRetention" ADD CONSTRAINT "DeploymentRetention_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- The one row of global retention settings (and the pass claim): nothing is deleted until set.
INSERT INTO "RetentionSettings" ("id") VALUES (1) ON CONFLICT DO NOTHING;
