-- CreateEnum
CREATE TYPE "StorageKind" AS ENUM ('local', 's3');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "storageId" UUID;

-- AlterTable
ALTER TABLE "Result" ADD COLUMN     "storageId" UUID;

-- CreateTable
CREATE TABLE "Storage" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "kind" "StorageKind" NOT NULL,
    "endpoint" TEXT,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "bucket" TEXT NOT NULL,
    "prefix" TEXT NOT NULL DEFAULT '',
    "forcePathStyle" BOOLEAN NOT NULL DEFAULT false,
    "accessKeyIdSecret" TEXT,
    "secretAccessKeySecret" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Storage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Storage_name_key" ON "Storage"("name");

-- AddForeignKey
ALTER TABLE "Deployment" ADD CONSTRAINT "Deployment_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Result" ADD CONSTRAINT "Result_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


