// A flow run with its task runs, in the API's shape (contract/api-v1.ts FlowRunSchema).
import type { FlowRunView } from "../../contract/api-v1.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { CACHE_ORIGIN_SELECT, toCacheOrigin } from "./cache-origin.ts";
import { itemSummaries } from "./items/item-counts.ts";
import { RUN_HEADER_SELECT, toRunHeader, type RunViewOptions } from "./run-header.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function getFlowRun(
  db: Db,
  id: string,
  options: RunViewOptions,
): Promise<FlowRunView> {
  const run = isUuid(id)
    ? await db.flowRun.findUnique({
        where: { id },
        select: {
          ...RUN_HEADER_SELECT,
          taskRuns: {
            where: { mapIndex: -1 },
            orderBy: { position: "asc" },
            select: {
              name: true,
              state: true,
              attempts: true,
              startedAt: true,
              endedAt: true,
              error: true,
              resultFromRunId: true,
              ...CACHE_ORIGIN_SELECT,
              mapCount: true,
              result: { select: { value: true, storageKey: true, sizeBytes: true } },
            },
          },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", id);
  const version = await getFlowVersion(db, run.flowVersionId);
  const [header, items] = await Promise.all([
    toRunHeader(db, run, options),
    itemSummaries(
      db,
      run.id,
      version.spec.tasks,
      new Map(run.taskRuns.map((t) => [t.name, t.mapCount])),
    ),
  ]);
  return {
    ...header,
    taskRuns: run.taskRuns.map((t) => ({
      name: t.name,
      state: t.state,
      attempts: t.attempts,
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      result: t.result?.value ?? null,
      ...(t.result?.storageKey
        ? {
            storedResult: {
              sizeBytes: t.result.sizeBytes,
              url: `/api/v1/flow-runs/${run.id}/tasks/${encodeURIComponent(t.name)}/result`,
            },
          }
        : {}),
      error: (t.error as { type: string; message: string } | null) ?? null,
      resultFrom: t.resultFromRunId,
      cachedFrom: toCacheOrigin(t.resultFromTaskRun),
      ...(items.has(t.name) ? { items: items.get(t.name) } : {}),
    })),
  };
}
