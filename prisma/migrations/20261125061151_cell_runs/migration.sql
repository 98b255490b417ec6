-- AlterTable
ALTER TABLE "FlowRun" ADD COLUMN     "cellTask" TEXT,
ALTER COLUMN "deploymentId" DROP NOT NULL;
