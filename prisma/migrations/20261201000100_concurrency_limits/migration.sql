-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "concurrencyLimit" INTEGER,
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ConcurrencyLimit" (
    "tag" TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConcurrencyLimit_pkey" PRIMARY KEY ("tag")
);


