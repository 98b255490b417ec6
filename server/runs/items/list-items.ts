// A page of a mapped task's items (GET /api/v1/flow-runs/{id}/tasks/{task}/items, `pipebook run
// items`): in item order, optionally only those in some states, read over the unique index
// (flowRunId, name, mapIndex) — a page costs the same at item 0 as at item 9,000.
import type { ListItemsQuery, ListItemsResponse } from "../../../contract/api-v1.ts";
import { closestName } from "../../../contract/closest-name.ts";
import { isMapped } from "../../../contract/flow-file/mapping.ts";
import type { Db } from "../../db/client.ts";
import { isUuid } from "../../db/ids.ts";
import { NotFoundError, PipebookError } from "../../errors.ts";
import { getFlowVersion } from "../../flows/version-cache.ts";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function listItems(
  db: Db,
  runId: string,
  task: string,
  query: ListItemsQuery,
): Promise<ListItemsResponse> {
  const run = isUuid(runId)
    ? await db.flowRun.findUnique({
        where: { id: runId },
        select: {
          flowVersionId: true,
          taskRuns: { where: { name: task, mapIndex: -1 }, select: { id: true } },
        },
      })
    : null;
  if (!run) throw new NotFoundError("flow run", runId);
  const version = await getFlowVersion(db, run.flowVersionId);
  const spec = version.spec.tasks.find((t) => t.name === task);
  if (!spec || run.taskRuns.length === 0) {
    const names = version.spec.tasks.map((t) => t.name);
    const hint = closestName(task, names);
    throw new PipebookError(
      "not_found",
      `flow run ${runId} has no task "${task}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
    );
  }
  if (!isMapped(spec)) {
    const mapped = version.spec.tasks.filter(isMapped).map((t) => t.name);
    throw new PipebookError(
      "not_found",
      `task "${task}" of flow run ${runId} is not mapped, so it has no items${mapped.length ? ` (mapped tasks: ${mapped.join(", ")})` : ""}: read it with GET /api/v1/flow-runs/${runId}/tasks/${task}`,
    );
  }
  const where = {
    flowRunId: runId,
    name: task,
    mapIndex: { gte: 0 },
    ...(query.state ? { state: { in: query.state } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.taskRun.findMany({
      where,
      orderBy: { mapIndex: "asc" },
      skip: query.offset,
      take: query.limit,
      select: {
        mapIndex: true,
        state: true,
        attempts: true,
        startedAt: true,
        endedAt: true,
        inputPreview: true,
        error: true,
        resultFromRunId: true,
        result: { select: { value: true } },
      },
    }),
    db.taskRun.count({ where }),
  ]);
  const end = query.offset + rows.length;
  return {
    items: rows.map((r) => ({
      index: r.mapIndex,
      state: r.state,
      attempts: r.attempts,
      startedAt: iso(r.startedAt),
      endedAt: iso(r.endedAt),
      input: r.inputPreview,
      result: r.result?.value ?? null,
      error: (r.error as { type: string; message: string } | null) ?? null,
      resultFrom: r.resultFromRunId,
    })),
    total,
    next: rows.length > 0 && end < total ? end : null,
  };
}
