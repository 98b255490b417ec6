// The artifacts of a run as the run page, the API and the CLI show them: in the flow's task order
// (then item, attempt, name), each with the path it downloads from.
import type { Artifact } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";

export function artifactUrl(flowRunId: string, artifactId: string): string {
  return `/api/v1/flow-runs/${flowRunId}/artifacts/${artifactId}`;
}

/** A run's artifacts (of one task when `task` is given); an unknown run is not found. */
export async function listArtifacts(
  db: Db,
  flowRunId: string,
  filter: { task?: string } = {},
): Promise<Artifact[]> {
  const run = isUuid(flowRunId)
    ? await db.flowRun.findUnique({
        where: { id: flowRunId },
        select: { taskRuns: { where: { mapIndex: -1 }, select: { name: true, position: true } } },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", flowRunId);
  const rows = await db.artifact.findMany({
    where: { flowRunId, ...(filter.task !== undefined ? { task: filter.task } : {}) },
    orderBy: [{ task: "asc" }, { mapIndex: "asc" }, { attempt: "asc" }, { name: "asc" }],
  });
  const position = new Map(run.taskRuns.map((t) => [t.name, t.position]));
  // Stable: within a task the database's order stays.
  rows.sort((a, b) => (position.get(a.task) ?? 0) - (position.get(b.task) ?? 0));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    task: row.task,
    item: row.mapIndex < 0 ? null : row.mapIndex,
    attempt: row.attempt,
    sizeBytes: row.sizeBytes,
    contentType: row.contentType,
    createdAt: row.createdAt.toISOString(),
    url: artifactUrl(flowRunId, row.id),
  }));
}
