// What an agent receives for each run it claims: everything needed to execute it without
// another round trip — the tasks with runnable code, parameters, runner, and what an earlier
// attempt already completed (or what a cell run or a replay reuses from earlier runs), and the
// run token that fetches its tasks' declared secrets and variables.
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import { declaredNames } from "../../contract/flow-file/declared-names.ts";
import type { Db } from "../db/client.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
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
          state: true,
          attempts: true,
          result: { select: { value: true } },
        },
      })
    : [];

  return Promise.all(
    rows.map(async (row) => {
      const version = await getFlowVersion(db, row.flowVersionId);
      const mine = earlier.filter((t) => t.flowRunId === row.id);
      primeRunMasks(row.id, declaredNames(version.spec.tasks, "secrets"));
      return {
        flowRunId: row.id,
        leaseId: row.leaseId,
        leaseExpiresAt: row.leaseExpiresAt.toISOString(),
        attempt: row.attempt,
        flow: { name: version.flow, version: version.version },
        deployment: { id: row.deploymentId, name: row.deploymentName },
        runner: { kind: row.runner, image: row.image },
        parameters: row.parameters as Record<string, unknown>,
        scheduledAt: row.scheduledAt.toISOString(),
        // A cell run executes only the tasks it was created with (see runs/create-cell-run.ts).
        tasks: row.cellTask
          ? version.executable.filter((t) => mine.some((m) => m.name === t.name))
          : version.executable,
        completed: Object.fromEntries(
          mine
            .filter((t) => t.state === "Completed" || t.state === "Cached")
            .map((t) => [
              t.name,
              { state: t.state as "Completed" | "Cached", result: t.result?.value ?? null },
            ]),
        ),
        priorAttempts: Object.fromEntries(mine.map((t) => [t.name, t.attempts])),
        runToken: mintRunToken(getSecretKey(), row.id, row.leaseId),
      };
    }),
  );
}
