// A claimed run and its reports, made through the real services, for tests of the log pipeline.
import crypto from "node:crypto";
import type { LogBlock, ReportEvent } from "../../contract/agent-protocol.ts";
import { claimRuns } from "../../server/agents/claim-runs.ts";
import { registerAgent } from "../../server/agents/register-agent.ts";
import type { Db } from "../../server/db/client.ts";
import { applyReport } from "../../server/runs/apply-report.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";
import { seedDeployment, threeTasks, uniqueName } from "./seed.ts";

const LEASE_MS = 15_000;
/** When heldRun's runs were claimed: before every time the fixtures below stamp lines with. */
const FIXTURE_CLAIM = Date.UTC(2026, 10, 30, 11);

export type HeldRun = { runId: string; leaseId: string; seq: number };

/**
 * A run of the three-task flow (extract, report, notify), claimed by an agent — recorded as
 * claimed at `claimedAt` (the fixtures' time by default; null: when it really was).
 */
export async function heldRun(
  db: Db,
  { claimedAt = FIXTURE_CLAIM }: { claimedAt?: number | null } = {},
): Promise<HeldRun> {
  const queue = uniqueName("q");
  const { deploymentId } = await seedDeployment(db, threeTasks(), queue);
  const agent = await registerAgent(
    db,
    { name: "a", hostname: "", version: "", queues: [queue], tags: [], concurrency: 1 },
    { leaseMs: LEASE_MS, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 },
  );
  const run = await createFlowRun(db, { deploymentId, parameters: {}, leaseMs: LEASE_MS });
  const [claimed] = await claimRuns(db, {
    agentId: agent.id,
    capacity: 1,
    waitMs: 0,
    leaseMs: LEASE_MS,
  });
  if (claimed?.flowRunId !== run.id) throw new Error("the seeded run was not claimed");
  // The server keeps a report's times between the claim and now (report-times.ts): these tests'
  // lines are stamped at fixed times of 2026-11-30, so the run was claimed before them.
  if (claimedAt !== null) {
    await db.$executeRaw`UPDATE "FlowRunStateEvent" SET at = ${new Date(claimedAt)}
      WHERE "flowRunId" = ${run.id}::uuid AND "toState" = 'Pending'`;
  }
  return { runId: run.id, leaseId: claimed.leaseId, seq: 0 };
}

/** The events that end a heldRun Completed: each of its three tasks runs and completes first. */
export function completion(): ReportEvent[] {
  const at = new Date().toISOString();
  return [
    ...["extract", "report", "notify"].flatMap((task): ReportEvent[] => [
      { type: "task", task, state: "Running", attempt: 1, at },
      { type: "task", task, state: "Completed", attempt: 1, at, result: null },
    ]),
    { type: "flow", state: "Completed", at },
  ];
}

/** Sends the next numbered report of `held`. */
export function report(
  db: Db,
  held: HeldRun,
  body: { events?: ReportEvent[]; logs?: LogBlock[]; seq?: number },
) {
  const seq = body.seq ?? ++held.seq;
  return applyReport(
    db,
    held.runId,
    { leaseId: held.leaseId, seq, events: body.events ?? [], logs: body.logs ?? [] },
    { leaseMs: LEASE_MS },
  );
}

/** A block of `lines` printed by `task` (attempt 1) at `at`, 1 ms apart. */
export function block(
  task: string | null,
  lines: string[],
  level: LogBlock["level"] = "info",
  at = Date.UTC(2026, 10, 30, 12),
): LogBlock {
  return { task, attempt: task ? 1 : null, level, at, offsets: lines.map((_, i) => i), lines };
}

export const randomText = () => crypto.randomBytes(6).toString("hex");
