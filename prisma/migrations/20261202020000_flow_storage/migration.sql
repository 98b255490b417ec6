-- A flow chooses its storage; a deployment follows it unless it chooses its own
-- (server/storage/storage-choice.ts).
ALTER TABLE "Flow" ADD COLUMN "storageId" UUID;
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "Deployment" ADD COLUMN "storageFollowsFlow" BOOLEAN NOT NULL DEFAULT true;
-- A deployment that chose an S3 storage keeps it; one left on the default (local) now follows its
-- flow, whose storage is local until someone chooses another: the same place either way.
UPDATE "Deployment" SET "storageFollowsFlow" = false WHERE "storageId" IS NOT NULL;
