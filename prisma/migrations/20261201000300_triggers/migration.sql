-- CreateEnum
CREATE TYPE "TriggerKind" AS ENUM ('webhook', 'runCompletion');

-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "triggerId" UUID;

-- CreateTable
CREATE TABLE "Trigger" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "deploymentId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "TriggerKind" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "parameterMap" JSONB NOT NULL DEFAULT '{}',
    "tokenHash" TEXT,
    "tokenPrefix" TEXT,
    "sourceDeploymentId" UUID,
    "onStates" "FlowRunState"[] DEFAULT ARRAY['Completed']::"FlowRunState"[],
    "firesFrom" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Trigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TriggerFiring" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "triggerId" UUID NOT NULL,
    "sourceRunId" UUID,
    "runId" UUID,
    "error" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TriggerFiring_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_tokenHash_key" ON "Trigger"("tokenHash");

-- CreateIndex
CREATE INDEX "Trigger_sourceDeploymentId_idx" ON "Trigger"("sourceDeploymentId");

-- CreateIndex
CREATE UNIQUE INDEX "Trigger_deploymentId_name_key" ON "Trigger"("deploymentId", "name");

-- CreateIndex
CREATE INDEX "TriggerFiring_triggerId_at_idx" ON "TriggerFiring"("triggerId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "TriggerFiring_triggerId_sourceRunId_key" ON "TriggerFiring"("triggerId", "sourceRunId");

-- CreateIndex
CREATE INDEX "FlowRun_deploymentId_endedAt_idx" ON "FlowRun"("deploymentId", "endedAt");

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Trigger" ADD CONSTRAINT "Trigger_sourceDeploymentId_fkey" FOREIGN KEY ("sourceDeploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TriggerFiring" ADD CONSTRAINT "TriggerFiring_triggerId_fkey" FOREIGN KEY ("triggerId") REFERENCES "Trigger"("id") ON DELETE CASCADE ON UPDATE CASCADE;


