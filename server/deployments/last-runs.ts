// Each deployment's last run (the newest that was due; runs schedules made for later are not
// "last"), for the deployments page: one index read per deployment.
import type { FlowRunDisplayState, FlowRunState } from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { currentFacts, shownState } from "../runs/display-state-sql.ts";

export type LastRun = {
  id: string;
  state: FlowRunDisplayState;
  scheduledAt: string;
  startedAt: string | null;
  endedAt: string | null;
};

export async function lastRunPerDeployment(
  db: Db,
  options: { lateAfterMs: number; now?: Date },
): Promise<Record<string, LastRun>> {
  const now = options.now ?? new Date();
  const [facts, rows] = await Promise.all([
    currentFacts(db, now, options.lateAfterMs),
    db.$queryRaw<
      {
        deploymentId: string;
        id: string;
        state: FlowRunState;
        workQueueId: string;
        scheduledAt: Date;
        startedAt: Date | null;
        endedAt: Date | null;
      }[]
    >`
      SELECT d.id AS "deploymentId", r.id, r.state::text AS state, r."workQueueId",
        r."scheduledAt", r."startedAt", r."endedAt"
      FROM "Deployment" d
      CROSS JOIN LATERAL (
        SELECT * FROM "FlowRun" r
        WHERE r."deploymentId" = d.id AND r."scheduledAt" <= ${now}::timestamptz
        ORDER BY r."scheduledAt" DESC, r.id DESC LIMIT 1
      ) r`,
  ]);
  return Object.fromEntries(
    rows.map((row) => [
      row.deploymentId,
      {
        id: row.id,
        state: shownState(row, facts),
        scheduledAt: row.scheduledAt.toISOString(),
        startedAt: row.startedAt?.toISOString() ?? null,
        endedAt: row.endedAt?.toISOString() ?? null,
      },
    ]),
  );
}
