-- CreateEnum
CREATE TYPE "BackfillState" AS ENUM ('Running', 'Completed', 'Cancelled');

-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "backfillId" UUID,
ADD COLUMN     "backfillSlot" INTEGER;

-- CreateTable
CREATE TABLE "Backfill" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "deploymentId" UUID NOT NULL,
    "scheduleId" UUID,
    "rangeFrom" TIMESTAMPTZ(3),
    "rangeTo" TIMESTAMPTZ(3),
    "slots" TIMESTAMPTZ(3)[],
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "parameterSets" JSONB,
    "maxInFlight" INTEGER NOT NULL,
    "state" "BackfillState" NOT NULL DEFAULT 'Running',
    "stateMessage" TEXT,
    "total" INTEGER NOT NULL,
    "created" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Backfill_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Backfill_deploymentId_createdAt_idx" ON "Backfill"("deploymentId", "createdAt");

-- CreateIndex
CREATE INDEX "Backfill_state_idx" ON "Backfill"("state");

-- CreateIndex
CREATE UNIQUE INDEX "FlowRun_backfillId_backfillSlot_key" ON "FlowRun"("backfillId", "backfillSlot");

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_backfillId_fkey" FOREIGN KEY ("backfillId") REFERENCES "Backfill"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backfill" ADD CONSTRAINT "Backfill_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backfill" ADD CONSTRAINT "Backfill_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Backfill" ADD CONSTRAINT "Backfill_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


