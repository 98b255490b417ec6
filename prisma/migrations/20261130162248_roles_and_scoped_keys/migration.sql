-- Roles: viewer < operator < editor < admin. The old "member" could change flows and runs, so
-- existing members become editors. The type is rebuilt rather than altered with ADD VALUE, whose
-- new values cannot be used in the same transaction (the default below uses one).
ALTER TYPE "UserRole" RENAME TO "UserRole_old";
CREATE TYPE "UserRole" AS ENUM ('admin', 'editor', 'operator', 'viewer');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "UserRole"
  USING (CASE "role"::text WHEN 'member' THEN 'editor' ELSE "role"::text END)::"UserRole";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'viewer';
DROP TYPE "UserRole_old";

-- A key's own (lower) role, and an agent key's work queues.
ALTER TABLE "ApiKey" ADD COLUMN "role" "UserRole",
ADD COLUMN "queues" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- A session remembers the key it was signed in with, and ends with it.
ALTER TABLE "Session" ADD COLUMN "apiKeyId" UUID;
CREATE INDEX "Session_apiKeyId_idx" ON "Session"("apiKeyId");
ALTER TABLE "Session" ADD CONSTRAINT "Session_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An agent is bound to the key that registered it.
ALTER TABLE "Agent" ADD COLUMN "apiKeyId" UUID;
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;
