// Retention limits: the global ones (one row) and a deployment's own, which override them field by
// field; and the last pass, as the settings page and GET /api/v1/retention show them.
import type {
  PutRetentionRequest,
  RetentionPassView,
  RetentionView,
} from "../../contract/api-v1.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";

export async function getRetention(db: Db): Promise<RetentionView> {
  const [settings, deployments] = await Promise.all([
    db.retentionSettings.findUnique({ where: { id: 1 } }),
    db.deploymentRetention.findMany({
      select: {
        deploymentId: true,
        logsDays: true,
        resultsDays: true,
        deployment: { select: { name: true, flow: { select: { name: true } } } },
      },
    }),
  ]);
  let lastPass: RetentionPassView | null = null;
  if (settings?.passStartedAt) {
    const ended = settings.passEndedAt && settings.passEndedAt >= settings.passStartedAt;
    lastPass = {
      startedAt: settings.passStartedAt.toISOString(),
      endedAt: ended ? settings.passEndedAt!.toISOString() : null,
      logLinesDeleted: settings.passLogsDeleted,
      resultsDeleted: settings.passResultsDeleted,
      error: settings.passError,
    };
  }
  return {
    global: { logsDays: settings?.logsDays ?? null, resultsDays: settings?.resultsDays ?? null },
    deployments: deployments
      .map((d) => ({
        deploymentId: d.deploymentId,
        flow: d.deployment.flow.name,
        deployment: d.deployment.name,
        logsDays: d.logsDays,
        resultsDays: d.resultsDays,
      }))
      .sort((a, b) => `${a.flow}/${a.deployment}`.localeCompare(`${b.flow}/${b.deployment}`)),
    lastPass,
  };
}

const auditDetails = (change: PutRetentionRequest) => ({
  ...(change.logsDays !== undefined ? { logsDays: change.logsDays } : {}),
  ...(change.resultsDays !== undefined ? { resultsDays: change.resultsDays } : {}),
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

/** A deployment's own limits; with both null afterwards the deployment follows the global ones. */
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
    if (row.logsDays === null && row.resultsDays === null) {
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
