-- The runs list: newest first by (scheduledAt, id) with keyset pages, filtered by state, flow,
-- deployment or tags (server/runs/list-flow-runs.ts; why there is no GIN index on tags: see
-- prisma/schema.prisma). The createdAt indexes it used before go;
-- (flowId, createdAt) stays for the flows list's last run.
-- DropIndex
DROP INDEX "FlowRun_createdAt_idx";

-- DropIndex
DROP INDEX "FlowRun_deploymentId_createdAt_idx";

-- DropIndex
DROP INDEX "FlowRun_state_createdAt_idx";

-- CreateIndex
CREATE INDEX "FlowRun_scheduledAt_id_idx" ON "FlowRun"("scheduledAt", "id");

-- CreateIndex
CREATE INDEX "FlowRun_state_scheduledAt_id_idx" ON "FlowRun"("state", "scheduledAt", "id");

-- CreateIndex
CREATE INDEX "FlowRun_flowId_scheduledAt_id_idx" ON "FlowRun"("flowId", "scheduledAt", "id");

-- CreateIndex
CREATE INDEX "FlowRun_deploymentId_scheduledAt_id_idx" ON "FlowRun"("deploymentId", "scheduledAt", "id");

