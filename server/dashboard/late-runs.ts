// The home dashboard's late runs: how many runs wait past their start time with no agent taking
// them, and the newest of them.
import type { FlowRunListItem } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { currentFacts } from "../runs/display-state-sql.ts";
import { countShownRuns, listFlowRuns } from "../runs/list-flow-runs.ts";

export async function lateRuns(
  db: Db,
  options: { lateAfterMs: number; limit?: number; now?: Date },
): Promise<{ count: number; runs: FlowRunListItem[] }> {
  const now = options.now ?? new Date();
  const [page, count] = await Promise.all([
    listFlowRuns(
      db,
      { states: ["Late"] },
      { limit: options.limit ?? 8, lateAfterMs: options.lateAfterMs, counts: false, now },
    ),
    currentFacts(db, now, options.lateAfterMs).then((facts) => countShownRuns(db, ["Late"], facts)),
  ]);
  return { count, runs: page.runs };
}
