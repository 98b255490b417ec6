// For integration tests of the server: an agent that claims runs through the real claim statement
// and reports through the real report path (apply-report.ts), executing each task as a small
// function of its inputs instead of a child process. It follows the executor's contract: tasks
// in `completed` are not run again and hand on their results; a task whose upstream did not
// complete is NotRun.
import type { ClaimedRun, ReportEvent } from "../../contract/agent-protocol.ts";
import { claimRuns } from "../../server/agents/claim-runs.ts";
import { registerAgent } from "../../server/agents/register-agent.ts";
import type { Db } from "../../server/db/client.ts";
import { applyReport } from "../../server/runs/apply-report.ts";

/** What a task does with its upstream results: return a value, or throw to fail. */
export type Behaviour = (task: string, inputs: Record<string, unknown>) => unknown;

const LEASE_MS = 15_000;

export async function testAgent(db: Db, queue: string, tags: string[] = []) {
  const agent = await registerAgent(
    db,
    { name: "simulated", hostname: "", version: "", queues: [queue], tags, concurrency: 1 },
    { leaseMs: LEASE_MS, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 },
  );
  const claim = async (): Promise<ClaimedRun> => {
    const [run] = await claimRuns(db, {
      agentId: agent.id,
      capacity: 1,
      waitMs: 0,
      leaseMs: LEASE_MS,
    });
    if (!run) throw new Error(`no run was waiting on queue ${queue}`);
    return run;
  };
  return {
    claim,
    /** Claims the next run of the queue and executes it; answers what was claimed and ran. */
    async execute(behave: Behaviour) {
      const run = await claim();
      const ran = await executeClaimed(db, run, behave);
      return { claimed: run, ran };
    },
  };
}

export async function executeClaimed(
  db: Db,
  run: ClaimedRun,
  behave: Behaviour,
): Promise<string[]> {
  const at = () => new Date().toISOString();
  const events: ReportEvent[] = [{ type: "flow", state: "Running", at: at() }];
  const results = new Map<string, unknown>();
  const ok = new Set<string>();
  for (const [name, done] of Object.entries(run.completed)) {
    results.set(name, done.result);
    ok.add(name);
  }
  const ran: string[] = [];
  let failed = false;
  for (const task of run.tasks) {
    if (ok.has(task.name)) continue;
    const missing = task.dependsOn.find((d) => !ok.has(d));
    if (missing) {
      events.push({
        type: "task",
        task: task.name,
        state: "NotRun",
        attempt: 0,
        at: at(),
        error: { type: "UpstreamFailed", message: `upstream ${missing}`, upstream: missing },
      });
      failed = true;
      continue;
    }
    ran.push(task.name);
    events.push({ type: "task", task: task.name, state: "Running", attempt: 1, at: at() });
    try {
      const inputs = Object.fromEntries(task.dependsOn.map((d) => [d, results.get(d)]));
      const result = behave(task.name, { ...run.parameters, ...inputs });
      results.set(task.name, result);
      ok.add(task.name);
      events.push({
        type: "task",
        task: task.name,
        state: "Completed",
        attempt: 1,
        at: at(),
        result,
      });
    } catch (error) {
      failed = true;
      const message = (error as Error).message;
      events.push({
        type: "task",
        task: task.name,
        state: "Failed",
        attempt: 1,
        at: at(),
        error: { type: "Error", message },
      });
    }
  }
  events.push({ type: "flow", state: failed ? "Failed" : "Completed", at: at() });
  await applyReport(
    db,
    run.flowRunId,
    { leaseId: run.leaseId, seq: 1, events, logs: [] },
    { leaseMs: LEASE_MS },
  );
  return ran;
}

/** The agent's answer to a cancel: it stopped the run's tasks (a Cancelling run ends Cancelled). */
export async function confirmCancelled(db: Db, run: ClaimedRun): Promise<void> {
  const at = new Date().toISOString();
  const events: ReportEvent[] = [
    ...run.tasks.map((t) => ({
      type: "task" as const,
      task: t.name,
      state: "Cancelled" as const,
      attempt: 0,
      at,
    })),
    { type: "flow", state: "Cancelled", at },
  ];
  await applyReport(
    db,
    run.flowRunId,
    { leaseId: run.leaseId, seq: 1, events, logs: [] },
    { leaseMs: LEASE_MS },
  );
}
