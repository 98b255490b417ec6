-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "unreachableSince" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "SupersededLease" (
    "leaseId" UUID NOT NULL,
    "flowRunId" UUID NOT NULL,
    "claimedAt" TIMESTAMPTZ(3) NOT NULL,
    "reportSeq" INTEGER NOT NULL,
    "supersededAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupersededLease_pkey" PRIMARY KEY ("leaseId")
);

-- CreateIndex
CREATE INDEX "SupersededLease_flowRunId_idx" ON "SupersededLease"("flowRunId");

-- AddForeignKey
ALTER TABLE "SupersededLease" ADD CONSTRAINT "SupersededLease_flowRunId_fkey" FOREIGN KEY ("flowRunId") REFERENCES "FlowRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
