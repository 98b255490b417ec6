// Reading the counts by state of a run's mapped tasks' items: one grouped read over the unique
// index (flowRunId, name, mapIndex), whatever the number of items.
import type { MappedItemsView } from "../../../contract/api-v1.ts";
import { isMapped } from "../../../contract/flow-file/mapping.ts";
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { Db } from "../../db/client.ts";
import { Prisma } from "../../db/generated/client.ts";
import { textArray } from "../state-machine/sql.ts";
import { itemSummary, type ItemStateCount } from "./item-summary.ts";

/** Items of a mapped task by state; states no item is in are left out. */
export type ItemCounts = Partial<Record<TaskRunState, number>>;

/** Per mapped task (all of the run's, or those named), its items' counts by state. */
export async function itemCounts(
  db: Db,
  runId: string,
  tasks?: readonly string[],
): Promise<Map<string, ItemCounts>> {
  const rows = await db.$queryRaw<{ name: string; state: TaskRunState; n: number }[]>`
    SELECT name, state::text AS state, count(*)::int AS n FROM "TaskRun"
    WHERE "flowRunId" = ${runId}::uuid AND "mapIndex" >= 0
      ${tasks ? Prisma.sql`AND name = ANY(${textArray(tasks)}::text[])` : Prisma.empty}
    GROUP BY name, state`;
  const counts = new Map<string, ItemCounts>();
  for (const row of rows) {
    const task = counts.get(row.name) ?? {};
    task[row.state] = row.n;
    counts.set(row.name, task);
  }
  return counts;
}

/** For each mapped task of `tasks` (the run's version's): its items' summary. */
export async function itemSummaries(
  db: Db,
  runId: string,
  tasks: readonly Task[],
  mapCounts: ReadonlyMap<string, number | null>,
): Promise<Map<string, MappedItemsView>> {
  const mapped = tasks.filter(isMapped);
  if (mapped.length === 0) return new Map();
  const counts = await itemCounts(db, runId);
  const byTask = new Map<string, ItemStateCount[]>(
    [...counts].map(([name, states]) => [
      name,
      Object.entries(states).map(([state, count]) => ({ state: state as TaskRunState, count })),
    ]),
  );
  return new Map(
    mapped.map((t) => [
      t.name,
      itemSummary(t, mapCounts.get(t.name) ?? null, byTask.get(t.name) ?? []),
    ]),
  );
}
