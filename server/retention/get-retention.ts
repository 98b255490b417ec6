// Retention as the settings page and GET /api/v1/retention show it: the global limits (one row), the
// deployments' own (each overrides the global one field by field), and the last pass.
import type { RetentionPassView, RetentionView } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";

export async function getRetention(db: Db): Promise<RetentionView> {
  const [settings, deployments] = await Promise.all([
    db.retentionSettings.findUnique({ where: { id: 1 } }),
    db.deploymentRetention.findMany({
      select: {
        deploymentId: true,
        logsDays: true,
        resultsDays: true,
        artifactsDays: true,
        deployment: { select: { name: true, flow: { select: { name: true } } } },
      },
    }),
  ]);
  let lastPass: RetentionPassView | null = null;
  if (settings?.passStartedAt) {
    lastPass = {
      startedAt: settings.passStartedAt.toISOString(),
      // Null while a pass is under way (a claim clears it).
      endedAt: settings.passEndedAt?.toISOString() ?? null,
      logLinesDeleted: settings.passLogsDeleted,
      resultsDeleted: settings.passResultsDeleted,
      artifactsDeleted: settings.passArtifactsDeleted,
      error: settings.passError,
    };
  }
  return {
    global: {
      logsDays: settings?.logsDays ?? null,
      resultsDays: settings?.resultsDays ?? null,
      artifactsDays: settings?.artifactsDays ?? null,
    },
    deployments: deployments
      .map((d) => ({
        deploymentId: d.deploymentId,
        flow: d.deployment.flow.name,
        deployment: d.deployment.name,
        logsDays: d.logsDays,
        resultsDays: d.resultsDays,
        artifactsDays: d.artifactsDays,
      }))
      .sort((a, b) => `${a.flow}/${a.deployment}`.localeCompare(`${b.flow}/${b.deployment}`)),
    lastPass,
  };
}
