// Reading the counts by state of a run's mapped tasks' items: one grouped read over the unique
// index (flowRunId, name, mapIndex), whatever the number of items.
import type { MappedItemsView } from "../../../contract/api-v1.ts";
import { isMapped } from "../../../contract/flow-file/mapping.ts";
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { Db } from "../../db/client.ts";
import { itemSummary, type ItemStateCount } from "./item-summary.ts";

/** For each mapped task of `tasks` (the run's version's): its items' summary. */
export async function itemSummaries(
  db: Db,
  runId: string,
  tasks: readonly Task[],
  mapCounts: ReadonlyMap<string, number | null>,
): Promise<Map<string, MappedItemsView>> {
  const mapped = tasks.filter(isMapped);
  if (mapped.length === 0) return new Map();
  const grouped = await db.taskRun.groupBy({
    by: ["name", "state"],
    where: { flowRunId: runId, mapIndex: { gte: 0 } },
    _count: { _all: true },
  });
  const byTask = new Map<string, ItemStateCount[]>();
  for (const g of grouped) {
    const list = byTask.get(g.name) ?? [];
    list.push({ state: g.state, count: g._count._all });
    byTask.set(g.name, list);
  }
  return new Map(
    mapped.map((t) => [
      t.name,
      itemSummary(t, mapCounts.get(t.name) ?? null, byTask.get(t.name) ?? []),
    ]),
  );
}
