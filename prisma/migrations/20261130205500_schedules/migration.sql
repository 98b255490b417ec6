-- CreateEnum
CREATE TYPE "CatchupPolicy" AS ENUM ('skip', 'latest', 'all');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "catchup" "CatchupPolicy" NOT NULL DEFAULT 'latest',
ADD COLUMN     "catchupMax" INTEGER NOT NULL DEFAULT 10;

-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "scheduleId" UUID;

-- The table was never read before: any row gets a starting point of now (no catch-up).
UPDATE "Schedule" SET "scheduledUntil" = now() WHERE "scheduledUntil" IS NULL;

-- AlterTable
ALTER TABLE "Schedule" ADD COLUMN     "anchor" TIMESTAMPTZ(3),
ADD COLUMN     "interval" TEXT,
ADD COLUMN     "dueAt" TIMESTAMPTZ(3),
ADD COLUMN     "rrule" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ALTER COLUMN "cron" DROP NOT NULL,
ALTER COLUMN "scheduledUntil" SET NOT NULL,
ALTER COLUMN "scheduledUntil" SET DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE UNIQUE INDEX "FlowRun_scheduleId_scheduledAt_key" ON "FlowRun"("scheduleId", "scheduledAt");

-- CreateIndex
CREATE INDEX "Schedule_dueAt_idx" ON "Schedule"("dueAt");

-- AddForeignKey
ALTER TABLE "FlowRun" ADD CONSTRAINT "FlowRun_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;


