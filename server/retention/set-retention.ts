// Changing retention limits: the global ones, and a deployment's own (audited, admins only at the
// edges). Each answers the settings as they are afterwards.
import type { PutRetentionRequest } from "../../contract/api-v1.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { getRetention } from "./get-retention.ts";

const auditDetails = (change: PutRetentionRequest) => ({
  ...(change.logsDays !== undefined ? { logsDays: change.logsDays } : {}),
  ...(change.resultsDays !== undefined ? { resultsDays: change.resultsDays } : {}),
  ...(change.artifactsDays !== undefined ? { artifactsDays: change.artifactsDays } : {}),
});

export async function setGlobalRetention(db: Db, change: PutRetentionRequest, actor: Actor) {
  await db.$transaction(async (tx) => {
    // The row comes with the migration; upsert in case someone deleted it by hand.
    await tx.retentionSettings.upsert({
      where: { id: 1 },
      create: { id: 1, ...change },
      update: change,
    });
    await audit(
      tx,
      actor,
      "retention.set",
      { type: "retention", id: "global", name: "global" },
      auditDetails(change),
    );
  });
  return getRetention(db);
}

/** A deployment's own limits; with all null afterwards the deployment follows the global ones. */
export async function setDeploymentRetention(
  db: Db,
  deploymentId: string,
  change: PutRetentionRequest,
  actor: Actor,
) {
  const deployment = isUuid(deploymentId)
    ? await db.deployment.findUnique({ where: { id: deploymentId }, select: { name: true } })
    : null;
  if (!deployment) throw new NotFoundError("deployment", deploymentId);
  await db.$transaction(async (tx) => {
    const row = await tx.deploymentRetention.upsert({
      where: { deploymentId },
      create: { deploymentId, ...change },
      update: change,
    });
    if (row.logsDays === null && row.resultsDays === null && row.artifactsDays === null) {
      await tx.deploymentRetention.delete({ where: { deploymentId } });
    }
    await audit(
      tx,
      actor,
      "retention.set",
      { type: "deployment", id: deploymentId, name: deployment.name },
      auditDetails(change),
    );
  });
  return getRetention(db);
}
