// Task caching (flow file `cache`): the agent asks, for the cache keys of the tasks it is about to
// run, whether an earlier run left a result that has not expired. The newest live entry of a key
// answers, with the task run that made it (the Cached task run names it: the run page's origin).
// A run started with "refresh caches" gets no hit at all: its cached tasks run again, and their
// fresh results become the newest entries.
import type { StoredResult } from "../../contract/agent-protocol.ts";
import { storedOf } from "../agents/build-claimed-run.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";

export async function lookupCache(
  db: Db,
  flowRunId: string,
  request: { leaseId: string; keys: string[] },
): Promise<{ hits: Record<string, { result: unknown; source: string; stored?: StoredResult }> }> {
  const run = isUuid(flowRunId)
    ? await db.flowRun.findUnique({
        where: { id: flowRunId },
        select: { leaseId: true, state: true, refreshCaches: true },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", flowRunId);
  if (run.leaseId !== request.leaseId) {
    throw new PipebookError(
      "lease_lost",
      `flow run ${flowRunId} is no longer held under this lease`,
    );
  }
  if (run.refreshCaches) return { hits: {} };
  const now = new Date();
  const rows = await db.result.findMany({
    where: {
      cacheKey: { in: request.keys },
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
    },
    orderBy: { createdAt: "desc" },
    select: {
      cacheKey: true,
      value: true,
      taskRunId: true,
      storageKey: true,
      storageId: true,
      sizeBytes: true,
    },
  });
  const hits: Record<string, { result: unknown; source: string; stored?: StoredResult }> = {};
  for (const row of rows) {
    if (row.cacheKey && !(row.cacheKey in hits)) {
      hits[row.cacheKey] = { result: row.value, source: row.taskRunId, ...storedOf(row) };
    }
  }
  return { hits };
}
