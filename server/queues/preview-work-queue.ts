// What agents will take next from a work queue — the browser's and the CLI's `work-queue
// preview`: its due runs in exactly the order a claim takes them (the claim's own SQL fragment,
// waitingRunsInClaimOrder), then its upcoming runs by start time, each with whether an online
// agent serving the queue carries every tag of the run.
import type { WorkQueuePreview, WorkQueuePreviewRun } from "../../contract/api-v1.ts";
import { displayFlowRunState } from "../../contract/run-states.ts";
import { agentCoverageWarnings } from "../agents/coverage.ts";
import { agentIsOnline } from "../agents/online.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { waitingRunsInClaimOrder } from "../runs/state-machine/index.ts";
import { waitingReasons } from "../limits/waiting-reasons.ts";
import { getWorkQueue, type QueueViewOptions } from "./list-work-queues.ts";

type Row = {
  id: string;
  scheduledAt: Date;
  createdAt: Date;
  tags: string[];
  cellTask: string | null;
  deploymentId: string | null;
  deploymentName: string | null;
  flow: string;
  version: number;
  eligibleAgents: number;
};

export async function previewWorkQueue(
  db: Db,
  name: string,
  options: QueueViewOptions & { limit: number; now?: Date },
): Promise<WorkQueuePreview> {
  const queue = await getWorkQueue(db, name, options);
  const select = (which: "due" | "upcoming") => db.$queryRaw<Row[]>`
    SELECT r.id::text AS id, r."scheduledAt", r."createdAt", r.tags, r."cellTask",
      r."deploymentId"::text AS "deploymentId",
      (SELECT d.name FROM "Deployment" d WHERE d.id = r."deploymentId") AS "deploymentName",
      (SELECT f.name FROM "Flow" f WHERE f.id = r."flowId") AS flow,
      (SELECT v.version FROM "FlowVersion" v WHERE v.id = r."flowVersionId") AS version,
      (SELECT count(*) FROM "Agent" a
        WHERE ${agentIsOnline(options.leaseMs)} AND q.name = ANY(a.queues) AND a.tags @> r.tags
      )::int AS "eligibleAgents"
    ${waitingRunsInClaimOrder(Prisma.sql`q.name = ${name}`, which)}
    LIMIT ${options.limit}::int`;
  // One transaction: now() — what "due" is measured against — is the same for both reads, so no
  // run is listed twice or missed as it becomes due in between.
  const [due, upcoming] = await db.$transaction([select("due"), select("upcoming")]);
  const rows = [...due, ...upcoming].slice(0, options.limit);
  const waiting = await waitingReasons(
    db,
    due.map((r) => r.id),
  );

  const context = {
    queuePaused: queue.paused,
    now: options.now ?? new Date(),
    lateAfterMs: options.lateAfterMs,
  };
  const runs = rows.map((row, i): WorkQueuePreviewRun => ({
    position: i + 1,
    id: row.id,
    state: displayFlowRunState({ state: "Scheduled", scheduledAt: row.scheduledAt }, context),
    due: i < due.length,
    waitingFor: waiting.get(row.id) ?? null,
    scheduledAt: row.scheduledAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    flow: { name: row.flow, version: row.version },
    deployment:
      row.deploymentId && row.deploymentName
        ? { id: row.deploymentId, name: row.deploymentName }
        : null,
    cellTask: row.cellTask,
    tags: row.tags,
    eligibleAgents: row.eligibleAgents,
    warning: row.eligibleAgents > 0 ? null : whyNoAgent(row.tags, queue.agents),
  }));
  return {
    workQueue: queue,
    runs,
    warnings: await agentCoverageWarnings(db, { queue: name, tags: [], leaseMs: options.leaseMs }),
  };
}

/** Why none of the queue's online agents would take a run with these tags. */
function whyNoAgent(tags: readonly string[], agents: readonly { tags: string[] }[]): string {
  if (agents.length === 0) return "no online agent serves this queue";
  const missing = tags.filter((t) => !agents.some((a) => a.tags.includes(t)));
  if (missing.length === 1) return `no online agent of this queue carries tag ${missing[0]}`;
  if (missing.length > 1) return `no online agent of this queue carries tags ${missing.join(", ")}`;
  return `no online agent of this queue carries all of its tags (${tags.join(", ")})`;
}
