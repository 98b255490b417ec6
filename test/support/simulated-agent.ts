// For integration tests of the server: an agent that claims runs through the real claim statement
// and reports through the real report path (apply-report.ts), executing each task — and each item
// of a mapped task — as a small function of its inputs instead of a child process. It follows
// the executor's contract: tasks in `completed` are not run again and hand on their results; a
// task whose upstream did not complete is NotRun; a mapped task announces its items (`map`),
// its items' events and log lines carry `item`, items in `items[task].completed` do not run
// again and an item's attempts continue from `items[task].attempts`; the task ends with the list
// of results (and its failures under mapFailure: continue).
import type { ClaimedRun, MapFailure, ReportEvent } from "../../contract/agent-protocol.ts";
import { MAX_INPUT_PREVIEW } from "../../contract/agent-protocol.ts";
import { failuresInputName, mapSources } from "../../contract/flow-file/mapping.ts";
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

/** Executes a run of unmapped tasks; answers the tasks that ran, in order. */
export async function executeClaimed(
  db: Db,
  run: ClaimedRun,
  behave: Behaviour,
): Promise<string[]> {
  const ran = await executeMapped(db, run, (task, _item, inputs) => behave(task, inputs));
  return ran.map((r) => r.task);
}

/** A task's (item −1) or an item's work: return a value, or throw to fail. */
export type ItemBehaviour = (
  task: string,
  item: number,
  inputs: Record<string, unknown>,
) => unknown;

export type Ran = { task: string; item: number; attempt: number };

export async function executeMapped(
  db: Db,
  run: ClaimedRun,
  behave: ItemBehaviour,
): Promise<Ran[]> {
  const at = () => new Date().toISOString();
  const events: ReportEvent[] = [{ type: "flow", state: "Running", at: at() }];
  const results = new Map<string, unknown>();
  const failuresOf = new Map<string, MapFailure[]>();
  const ok = new Set<string>();
  for (const [name, done] of Object.entries(run.completed)) {
    results.set(name, done.result);
    if (done.failures) failuresOf.set(name, done.failures);
    ok.add(name);
  }
  const ran: Ran[] = [];
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
    const inputs: Record<string, unknown> = { ...run.parameters };
    for (const d of task.dependsOn) {
      inputs[d] = results.get(d);
      if (failuresOf.has(d)) inputs[failuresInputName(d)] = failuresOf.get(d);
    }
    const attempt = (run.priorAttempts[task.name] ?? 0) + 1;
    events.push({ type: "task", task: task.name, state: "Running", attempt, at: at() });
    const sources = mapSources(task);
    if (sources.length === 0) {
      ran.push({ task: task.name, item: -1, attempt });
      try {
        const result = behave(task.name, -1, inputs);
        results.set(task.name, result);
        ok.add(task.name);
        events.push({
          type: "task",
          task: task.name,
          state: "Completed",
          attempt,
          at: at(),
          result,
        });
      } catch (error) {
        failed = true;
        events.push({
          type: "task",
          task: task.name,
          state: "Failed",
          attempt,
          at: at(),
          error: { type: "Error", message: (error as Error).message },
        });
      }
      continue;
    }

    const list = inputs[sources[0]!] as unknown[];
    const prior = run.items[task.name] ?? { completed: {}, attempts: {} };
    events.push({
      type: "map",
      task: task.name,
      at: at(),
      count: list.length,
      from: 0,
      previews: list.map((v) => JSON.stringify(v).slice(0, MAX_INPUT_PREVIEW)),
    });
    const itemResults: unknown[] = [];
    const itemFailures: MapFailure[] = [];
    list.forEach((value, index) => {
      const kept = prior.completed[String(index)];
      if (kept) {
        itemResults.push(kept.result);
        return;
      }
      const itemAttempt = (prior.attempts[String(index)] ?? 0) + 1;
      ran.push({ task: task.name, item: index, attempt: itemAttempt });
      const base = { type: "task" as const, task: task.name, item: index, attempt: itemAttempt };
      events.push({ ...base, state: "Running", at: at() });
      events.push({
        type: "log",
        task: task.name,
        item: index,
        attempt: itemAttempt,
        level: "info",
        message: `item ${index} of ${task.name}: ${JSON.stringify(value)}`,
        at: at(),
      });
      try {
        const result = behave(task.name, index, { ...inputs, [sources[0]!]: value });
        itemResults.push(result);
        events.push({ ...base, state: "Completed", at: at(), result });
      } catch (error) {
        const err = { type: "Error", message: (error as Error).message };
        itemFailures.push({ index, error: err });
        events.push({ ...base, state: "Failed", at: at(), error: err });
      }
    });
    const first = itemFailures[0];
    if (first && task.mapFailure !== "continue") {
      failed = true;
      events.push({
        type: "task",
        task: task.name,
        state: "Failed",
        attempt,
        at: at(),
        error: {
          type: "ItemFailed",
          message: `item ${first.index} failed: ${first.error.message}`,
        },
      });
    } else {
      results.set(task.name, itemResults);
      failuresOf.set(task.name, itemFailures);
      ok.add(task.name);
      events.push({
        type: "task",
        task: task.name,
        state: "Completed",
        attempt,
        at: at(),
        result: itemResults,
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
