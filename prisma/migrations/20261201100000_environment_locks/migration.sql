-- CreateTable
CREATE TABLE "EnvironmentLock" (
    "flowVersionId" UUID NOT NULL,
    "specHash" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "lock" JSONB NOT NULL,
    "agentName" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnvironmentLock_pkey" PRIMARY KEY ("flowVersionId","specHash")
);

-- AddForeignKey
ALTER TABLE "EnvironmentLock" ADD CONSTRAINT "EnvironmentLock_flowVersionId_fkey" FOREIGN KEY ("flowVersionId") REFERENCES "FlowVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;


