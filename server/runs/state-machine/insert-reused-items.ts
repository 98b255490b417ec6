// A replay's kept items (../replay/item-reuse.ts): the completed items of a mapped task of the
// replayed run, copied into the new run as items of its own — Pending → Cached, time-stamped, with
// a history row naming the run whose result each reuses, the result copied (value and storage key
// alike) and `resultFromRunId` set — in one statement. The claim then hands them to the agent as
// the task's completed items (../../agents/build-claimed-run.ts `items`), the same rule by which a
// flow-level retry resumes a mapped task from its own rows, so only the other items run.
import { canTransitionTaskRun } from "../../../contract/run-states.ts";
import type { Tx } from "../../db/client.ts";
import { checkAllowed, textArray } from "./sql.ts";

/**
 * Copies the Completed and Cached items (with a result) of `tasks` from run `sourceRunId` into
 * run `flowRunId`, whose own rows for those tasks exist and whose items do not yet. Returns how
 * many items were copied, by task.
 */
export async function insertReusedItems(
  tx: Tx,
  input: { flowRunId: string; sourceRunId: string; tasks: readonly string[] },
): Promise<Map<string, number>> {
  if (input.tasks.length === 0) return new Map();
  checkAllowed("task run", ["Pending"], "Cached", canTransitionTaskRun);
  const rows = await tx.$queryRaw<{ name: string; copied: number }[]>`
    WITH src AS (
      SELECT gen_random_uuid() AS id, t.id AS source_id, t.name, t."mapIndex", t."inputPreview",
        COALESCE(t."resultFromRunId", t."flowRunId") AS producer
      FROM "TaskRun" t
      WHERE t."flowRunId" = ${input.sourceRunId}::uuid
        AND t.name = ANY(${textArray(input.tasks)}::text[])
        AND t."mapIndex" >= 0 AND t.state IN ('Completed', 'Cached')
        AND EXISTS (SELECT 1 FROM "Result" r WHERE r."taskRunId" = t.id)
    ), own AS (
      SELECT name, position FROM "TaskRun"
      WHERE "flowRunId" = ${input.flowRunId}::uuid AND "mapIndex" = -1
        AND name = ANY(${textArray(input.tasks)}::text[])
    ), items AS (
      INSERT INTO "TaskRun" (id, "flowRunId", name, "mapIndex", position, "inputPreview", state,
        attempts, "endedAt", "stateChangedAt", "resultFromRunId")
      SELECT src.id, ${input.flowRunId}::uuid, src.name, src."mapIndex", own.position,
        src."inputPreview", 'Cached', 0, now(), now(), src.producer
      FROM src JOIN own ON own.name = src.name
      RETURNING id, name
    ), results AS (
      INSERT INTO "Result" ("taskRunId", value, "storageKey", "sizeBytes")
      SELECT src.id, r.value, r."storageKey", r."sizeBytes"
      FROM items JOIN src ON src.id = items.id JOIN "Result" r ON r."taskRunId" = src.source_id
    ), history AS (
      INSERT INTO "TaskRunStateEvent" ("flowRunId", "taskRunId", "fromState", "toState", attempt, message, at)
      SELECT ${input.flowRunId}::uuid, src.id, 'Pending', 'Cached', 0,
        'result reused from run ' || src.producer::text, now()
      FROM items JOIN src ON src.id = items.id
    )
    SELECT name, count(*)::int AS copied FROM items GROUP BY name`;
  return new Map(rows.map((r) => [r.name, r.copied]));
}
