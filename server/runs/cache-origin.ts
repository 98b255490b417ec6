// Where a Cached task's result came from (a cache hit names the task run it reused): the shape
// the API and the run page show, and the select that reads it.
import type { CacheOrigin } from "../../contract/api-v1.ts";

export const CACHE_ORIGIN_SELECT = {
  resultFromTaskRun: { select: { flowRunId: true, name: true, mapIndex: true, endedAt: true } },
} as const;

type Source = { flowRunId: string; name: string; mapIndex: number; endedAt: Date | null } | null;

export function toCacheOrigin(source: Source): CacheOrigin | null {
  if (!source) return null;
  return {
    flowRunId: source.flowRunId,
    task: source.name,
    item: source.mapIndex < 0 ? null : source.mapIndex,
    madeAt: source.endedAt ? source.endedAt.toISOString() : null,
  };
}
