// Copying earlier results into a new run: the one writer for notebook cell runs and replays.
// Each reused task run moves Pending → Cached through the state machine (its history says where
// the result came from), gets a copy of the earlier Result row and names the run that produced
// it, so the agent receives it as completed and the run page shows Cached "from run …".
import type { Tx } from "../../db/client.ts";
import { transitionTaskRuns } from "../state-machine/index.ts";
import { textArray } from "../state-machine/sql.ts";
import { PipebookError } from "../../errors.ts";

export type ReusedResult = {
  /** The task in the new run. */
  task: string;
  /** The earlier task run whose Result row is copied. */
  sourceTaskRunId: string;
  /** The run that produced the result (for a Cached source: the run it came from in turn). */
  fromRunId: string;
};

export async function reuseResults(
  tx: Tx,
  flowRunId: string,
  reused: readonly ReusedResult[],
): Promise<void> {
  if (reused.length === 0) return;
  const byProducer = new Map<string, string[]>();
  for (const r of reused)
    byProducer.set(r.fromRunId, [...(byProducer.get(r.fromRunId) ?? []), r.task]);
  for (const [fromRunId, names] of byProducer) {
    const moved = await transitionTaskRuns(tx, {
      flowRunId,
      names,
      from: ["Pending"],
      to: "Cached",
      message: `result reused from run ${fromRunId}`,
    });
    if (moved.length !== names.length) {
      throw new PipebookError(
        "conflict",
        `run ${flowRunId}: reused tasks ${names.join(", ")} were not all Pending; try again`,
      );
    }
  }
  // One statement for every reused task: name the producer and copy the result (value and
  // storage key alike, so a large stored result is shared, not re-uploaded). A mapped task
  // reused whole keeps its item count, so it still reads ×N (its items stay in the run that
  // produced them).
  const copied = await tx.$executeRaw`
    WITH src AS (
      SELECT * FROM unnest(${textArray(reused.map((r) => r.task))}::text[],
        ${textArray(reused.map((r) => r.sourceTaskRunId))}::uuid[],
        ${textArray(reused.map((r) => r.fromRunId))}::uuid[]) AS s(name, source, producer)
    ), marked AS (
      UPDATE "TaskRun" t SET "resultFromRunId" = src.producer, "mapCount" = s."mapCount"
      FROM src JOIN "TaskRun" s ON s.id = src.source
      WHERE t."flowRunId" = ${flowRunId}::uuid AND t.name = src.name AND t."mapIndex" = -1
      RETURNING t.id, src.source
    )
    INSERT INTO "Result" ("taskRunId", value, "storageKey", "storageId", "sizeBytes")
    SELECT marked.id, r.value, r."storageKey", r."storageId", r."sizeBytes"
    FROM marked JOIN "Result" r ON r."taskRunId" = marked.source`;
  if (copied !== reused.length) {
    throw new PipebookError(
      "conflict",
      `run ${flowRunId}: copied ${copied} of ${reused.length} reused results; try again`,
    );
  }
}
