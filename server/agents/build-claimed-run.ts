// What an agent receives for each run it claims: everything needed to execute it without
// another round trip — the tasks with runnable code, parameters, runner, and what an earlier
// attempt already completed (or what a cell run or a replay reuses from earlier runs), and the
// run token that fetches its tasks' declared secrets and variables.
import type {
  ClaimedRun,
  MapFailure,
  PriorItems,
  StoredResult,
} from "../../contract/agent-protocol.ts";
import { isMapped } from "../../contract/flow-file/mapping.ts";
import { isSuccessfulTaskRunState, type TaskRunState } from "../../contract/run-states.ts";
import { declaredNames } from "../../contract/flow-file/declared-names.ts";
import type { Db } from "../db/client.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { locksOfVersions, versionEnvironments } from "../flows/environment-locks.ts";
import { mintRunToken } from "../run-context/run-token.ts";
import { primeRunMasks } from "../secrets/run-masks.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import type { ClaimedRow } from "../runs/state-machine/index.ts";

export async function buildClaimedRuns(db: Db, rows: ClaimedRow[]): Promise<ClaimedRun[]> {
  if (rows.length === 0) return [];
  // Only a retried run has history to resume from, and a cell run or a replay its reused results:
  // a first run of a deployment, the usual case, costs no read here.
  const resumed = rows.filter((r) => r.attempt > 1 || r.cellTask || r.parentRunId).map((r) => r.id);
  const earlier = resumed.length
    ? await db.taskRun.findMany({
        where: { flowRunId: { in: resumed } },
        select: {
          flowRunId: true,
          name: true,
          mapIndex: true,
          state: true,
          attempts: true,
          error: true,
          result: { select: { value: true, storageKey: true, storageId: true, sizeBytes: true } },
        },
        orderBy: [{ name: "asc" }, { mapIndex: "asc" }],
      })
    : [];

  const versions = await Promise.all(rows.map((row) => getFlowVersion(db, row.flowVersionId)));
  // Only versions that declare dependencies can have locks: the usual claim costs no read here.
  const locks = await locksOfVersions(
    db,
    rows
      .filter((_, i) => versionEnvironments(versions[i]!.spec).size > 0)
      .map((r) => r.flowVersionId),
  );

  return Promise.all(
    rows.map(async (row, i) => {
      const version = versions[i]!;
      const all = earlier.filter((t) => t.flowRunId === row.id);
      const mine = all.filter((t) => t.mapIndex < 0);
      const mapped = new Set(version.spec.tasks.filter(isMapped).map((t) => t.name));
      primeRunMasks(row.id, declaredNames(version.spec.tasks, "secrets"));
      return {
        flowRunId: row.id,
        leaseId: row.leaseId,
        leaseExpiresAt: row.leaseExpiresAt.toISOString(),
        attempt: row.attempt,
        flow: { name: version.flow, version: version.version },
        deployment: { id: row.deploymentId, name: row.deploymentName },
        runner: { kind: row.runner, image: row.image, daskScheduler: row.daskScheduler },
        parameters: row.parameters as Record<string, unknown>,
        scheduledAt: row.scheduledAt.toISOString(),
        // A cell run executes only the tasks it was created with (see runs/create-cell-run.ts).
        tasks: row.cellTask
          ? version.executable.filter((t) => mine.some((m) => m.name === t.name))
          : version.executable,
        completed: Object.fromEntries(
          mine
            .filter((t) => isSuccessfulTaskRunState(t.state))
            .map((t) => [
              t.name,
              {
                state: t.state as "Completed" | "Cached",
                result: t.result?.value ?? null,
                ...storedOf(t.result),
                ...(mapped.has(t.name) ? { failures: failuresOf(all, t.name) } : {}),
              },
            ]),
        ),
        priorAttempts: Object.fromEntries(mine.map((t) => [t.name, t.attempts])),
        items: priorItems(all, mine),
        runToken: mintRunToken(getSecretKey(), row.id, row.leaseId),
        dependencies: {
          ...(version.spec.python ? { python: version.spec.python } : {}),
          ...(version.spec.typescript ? { typescript: version.spec.typescript } : {}),
        },
        locks: locks.get(row.flowVersionId) ?? {},
      };
    }),
  );
}

type EarlierTaskRun = {
  name: string;
  mapIndex: number;
  state: TaskRunState;
  attempts: number;
  error: unknown;
  result: StoredRow | null;
};

type StoredRow = {
  value: unknown;
  storageKey: string | null;
  storageId: string | null;
  sizeBytes: number;
};

/** A large result travels as its reference; the agent downloads it (server/storage/transfers.ts). */
export function storedOf(row: StoredRow | null | undefined): { stored?: StoredResult } {
  return row?.storageKey
    ? { stored: { storage: row.storageId, key: row.storageKey, sizeBytes: row.sizeBytes } }
    : {};
}

/** A completed mapped task's items that did not complete (kept under `mapFailure: continue`). */
function failuresOf(all: readonly EarlierTaskRun[], task: string): MapFailure[] {
  return all
    .filter((t) => t.name === task && t.mapIndex >= 0 && !isSuccessfulTaskRunState(t.state))
    .map((t) => {
      const error = (t.error ?? {}) as { type?: unknown; message?: unknown };
      return {
        index: t.mapIndex,
        error: { type: String(error.type ?? t.state), message: String(error.message ?? "") },
      };
    });
}

/** What the mapped tasks still to run kept of their items: only the failed ones run again. */
function priorItems(
  all: readonly EarlierTaskRun[],
  tasks: readonly EarlierTaskRun[],
): Record<string, PriorItems> {
  const open = new Set(tasks.filter((t) => !isSuccessfulTaskRunState(t.state)).map((t) => t.name));
  const out: Record<string, PriorItems> = {};
  for (const t of all) {
    if (t.mapIndex < 0 || !open.has(t.name)) continue;
    const entry = (out[t.name] ??= { completed: {}, attempts: {} });
    entry.attempts[t.mapIndex] = t.attempts;
    if (isSuccessfulTaskRunState(t.state)) {
      entry.completed[t.mapIndex] = {
        state: t.state as "Completed" | "Cached",
        result: t.result?.value ?? null,
        ...storedOf(t.result),
      };
    }
  }
  return out;
}
