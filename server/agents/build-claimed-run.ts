// What an agent receives for each run it claims: everything needed to execute it without
// another round trip — the tasks with runnable code, parameters, runner, and what an earlier
// attempt already completed.
import type { ClaimedRun, ExecutableTask } from "../../contract/agent-protocol.ts";
import { topologicalOrder } from "../../contract/flow-file/dag.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type { Db } from "../db/client.ts";
import type { ClaimedRow } from "../runs/state-machine/index.ts";

type Version = { version: number; flow: string; tasks: ExecutableTask[] };

// Flow versions are immutable: once read, a version's executable form never changes. Repeated
// runs of one version (the usual case) then cost no read of the version at all.
const VERSIONS = Symbol.for("pipebook.executable-versions");
const MAX_CACHED_VERSIONS = 200;

function versionCache(): Map<string, Version> {
  const holder = globalThis as { [VERSIONS]?: Map<string, Version> };
  holder[VERSIONS] ??= new Map();
  return holder[VERSIONS];
}

async function executableVersion(db: Db, id: string): Promise<Version> {
  const cache = versionCache();
  const hit = cache.get(id);
  if (hit) return hit;
  const row = await db.flowVersion.findUniqueOrThrow({
    where: { id },
    select: { version: true, spec: true, compiled: true, flow: { select: { name: true } } },
  });
  const spec = row.spec as unknown as FlowFile;
  const compiled = row.compiled as Record<string, string>;
  const version: Version = {
    version: row.version,
    flow: row.flow.name,
    tasks: topologicalOrder(spec.tasks).map((t) => ({ ...t, code: compiled[t.name] ?? t.code })),
  };
  if (cache.size >= MAX_CACHED_VERSIONS) cache.delete(cache.keys().next().value!);
  cache.set(id, version);
  return version;
}

export async function buildClaimedRuns(db: Db, rows: ClaimedRow[]): Promise<ClaimedRun[]> {
  if (rows.length === 0) return [];
  const deployments = await db.deployment.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.deploymentId))] } },
    select: { id: true, name: true, runner: true, image: true },
  });
  const byId = new Map(deployments.map((d) => [d.id, d]));
  // Only a retried run has history to resume from.
  const resumed = rows.filter((r) => r.attempt > 1).map((r) => r.id);
  const earlier = resumed.length
    ? await db.taskRun.findMany({
        where: { flowRunId: { in: resumed } },
        select: {
          flowRunId: true,
          name: true,
          state: true,
          attempts: true,
          result: { select: { value: true } },
        },
      })
    : [];

  return Promise.all(
    rows.map(async (row) => {
      const version = await executableVersion(db, row.flowVersionId);
      const deployment = byId.get(row.deploymentId)!;
      const mine = earlier.filter((t) => t.flowRunId === row.id);
      return {
        flowRunId: row.id,
        leaseId: row.leaseId,
        leaseExpiresAt: row.leaseExpiresAt.toISOString(),
        attempt: row.attempt,
        flow: { name: version.flow, version: version.version },
        deployment: { id: deployment.id, name: deployment.name },
        runner: { kind: deployment.runner, image: deployment.image },
        parameters: row.parameters as Record<string, unknown>,
        tasks: version.tasks,
        completed: Object.fromEntries(
          mine
            .filter((t) => t.state === "Completed" || t.state === "Cached")
            .map((t) => [
              t.name,
              { state: t.state as "Completed" | "Cached", result: t.result?.value ?? null },
            ]),
        ),
        priorAttempts: Object.fromEntries(mine.map((t) => [t.name, t.attempts])),
      };
    }),
  );
}
