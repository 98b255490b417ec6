// Dependency locks (contract/agent-protocol/locks.ts): the versions the first build of
// each of a flow version's dependency sets resolved. An agent reports one after it built a set
// that had none; claims of the version carry every lock recorded, so later runs on any agent
// install exactly those versions.
import type { EnvironmentSpec } from "../../contract/flow-file/dependencies.ts";
import {
  environmentSpecHash,
  environmentSpecOf,
} from "../../contract/flow-file/environment-spec.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type { EnvironmentLock, LockReportRequest } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { getFlowVersion } from "./version-cache.ts";

/** The distinct dependency sets a flow's tasks install, by spec hash (empty for most flows). */
export function versionEnvironments(spec: FlowFile): Map<string, EnvironmentSpec> {
  const sets = new Map<string, EnvironmentSpec>();
  for (const task of spec.tasks) {
    const env = environmentSpecOf(spec, task);
    if (env) sets.set(environmentSpecHash(env), env);
  }
  return sets;
}

/** Records a lock for a run's flow version unless one is there; answers the lock that holds. */
export async function recordEnvironmentLock(
  db: Db,
  flowRunId: string,
  report: LockReportRequest,
): Promise<{ recorded: boolean; lock: EnvironmentLock }> {
  const run = isUuid(flowRunId)
    ? await db.flowRun.findUnique({
        where: { id: flowRunId },
        select: { leaseId: true, flowVersionId: true, agent: { select: { name: true } } },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", flowRunId);
  if (run.leaseId !== report.leaseId) {
    throw new PipebookError(
      "lease_lost",
      `flow run ${flowRunId} is no longer held under this lease`,
    );
  }
  const version = await getFlowVersion(db, run.flowVersionId);
  const spec = versionEnvironments(version.spec).get(report.specHash);
  if (!spec) {
    throw new PipebookError(
      "bad_request",
      `flow "${version.flow}" v${version.version} declares no dependency set ${report.specHash}`,
    );
  }
  if (spec.language !== report.lock.language) {
    throw new PipebookError(
      "bad_request",
      `dependency set ${report.specHash} is ${spec.language}, the lock is ${report.lock.language}`,
    );
  }
  const { count } = await db.environmentLock.createMany({
    data: [
      {
        flowVersionId: run.flowVersionId,
        specHash: report.specHash,
        language: spec.language,
        lock: report.lock as Prisma.InputJsonObject,
        agentName: run.agent?.name ?? "",
      },
    ],
    skipDuplicates: true,
  });
  if (count === 1) return { recorded: true, lock: report.lock };
  const held = await db.environmentLock.findUniqueOrThrow({
    where: {
      flowVersionId_specHash: { flowVersionId: run.flowVersionId, specHash: report.specHash },
    },
    select: { lock: true },
  });
  return { recorded: false, lock: held.lock as EnvironmentLock };
}

/** Every lock of these flow versions, by version id and spec hash (one read). */
export async function locksOfVersions(
  db: Db,
  flowVersionIds: string[],
): Promise<Map<string, Record<string, EnvironmentLock>>> {
  const out = new Map<string, Record<string, EnvironmentLock>>();
  if (flowVersionIds.length === 0) return out;
  const rows = await db.environmentLock.findMany({
    where: { flowVersionId: { in: [...new Set(flowVersionIds)] } },
    select: { flowVersionId: true, specHash: true, lock: true },
  });
  for (const row of rows) {
    const locks = out.get(row.flowVersionId) ?? {};
    locks[row.specHash] = row.lock as EnvironmentLock;
    out.set(row.flowVersionId, locks);
  }
  return out;
}

export type EnvironmentLockView = {
  specHash: string;
  language: string;
  /** What the flow file declares for this set. */
  declared: string[] | Record<string, string>;
  /** The resolved versions: pip freeze lines, or package path → version. */
  resolved: string[] | Record<string, string> | null;
  agent: string | null;
  recordedAt: string | null;
};

/** A flow version's dependency sets with their locks, for the API and the studio. */
export async function environmentLockViews(
  db: Db,
  flowVersionId: string,
  spec: FlowFile,
): Promise<EnvironmentLockView[]> {
  const sets = versionEnvironments(spec);
  if (sets.size === 0) return [];
  const rows = await db.environmentLock.findMany({
    where: { flowVersionId },
    select: { specHash: true, lock: true, agentName: true, createdAt: true },
  });
  return [...sets].map(([specHash, env]) => {
    const row = rows.find((r) => r.specHash === specHash);
    const lock = row?.lock as EnvironmentLock | undefined;
    return {
      specHash,
      language: env.language,
      declared: env.language === "python" ? env.requirements : env.packages,
      resolved: !lock ? null : lock.language === "python" ? lock.requirements : lock.packages,
      agent: row ? row.agentName || null : null,
      recordedAt: row?.createdAt.toISOString() ?? null,
    };
  });
}
