-- CreateEnum
CREATE TYPE "OverlapPolicy" AS ENUM ('allow', 'skip', 'bufferOne', 'cancelPrevious');

-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN     "overlap" "OverlapPolicy" NOT NULL DEFAULT 'allow';
