// For the hot-SQL tests of the run state machine: runs set up through the real services, read
// back whole, and the replay of every state-history row a database holds against the one
// transition table (contract/run-states.ts).
import { describe, expect, it } from "vitest";
import {
  canTransitionFlowRun,
  canTransitionTaskRun,
  INITIAL_FLOW_RUN_STATE,
  INITIAL_TASK_RUN_STATE,
  type FlowRunState,
  type TaskRunState,
} from "../../contract/run-states.ts";
import { registerAgent } from "../../server/agents/register-agent.ts";
import type { Db } from "../../server/db/client.ts";
import { createDeployment } from "../../server/deployments/create-deployment.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";
import { seedFlow, threeTasks, uniqueName } from "./seed.ts";

export const LEASE_MS = 15_000;

/** A queue of its own with a deployment of the three-task flow (extract → report → notify). */
export async function hotSetup(db: Db, options: { retries?: number } = {}) {
  const queue = uniqueName("q");
  const flow = await seedFlow(db, threeTasks());
  const deployment = await createDeployment(db, {
    flow: flow.name,
    name: "test",
    parameters: {},
    workQueue: queue,
    tags: [],
    retries: options.retries ?? 0,
    retryDelaySeconds: 0,
    runner: "process",
  });
  const agent = await registerAgent(
    db,
    { name: "a", hostname: "", version: "", queues: [queue], tags: [], concurrency: 10 },
    { leaseMs: LEASE_MS, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 },
  );
  return {
    queue,
    deploymentId: deployment.id,
    agentId: agent.id,
    claim: { agentId: agent.id, queues: [queue], tags: [], capacity: 10, leaseMs: LEASE_MS },
    newRun: async () =>
      (await createFlowRun(db, { deploymentId: deployment.id, parameters: {}, leaseMs: LEASE_MS }))
        .id,
  };
}

export type HotSetup = Awaited<ReturnType<typeof hotSetup>>;

export async function readRun(db: Db, id: string) {
  const run = await db.flowRun.findUniqueOrThrow({
    where: { id },
    include: { taskRuns: { orderBy: [{ position: "asc" }, { mapIndex: "asc" }] } },
  });
  return {
    ...run,
    tasks: Object.fromEntries(run.taskRuns.map((t) => [t.name, t.state])) as Record<
      string,
      TaskRunState
    >,
  };
}

/** A run's history as `from→to` (∅ for the first row). */
export async function flowHistory(db: Db, id: string): Promise<string[]> {
  const rows = await db.flowRunStateEvent.findMany({
    where: { flowRunId: id },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => `${r.fromState ?? "∅"}→${r.toState}`);
}

/** Every task run's history of a run, by task name (items as `name[i]`). */
export async function taskHistory(db: Db, flowRunId: string): Promise<Record<string, string[]>> {
  const rows = await db.taskRunStateEvent.findMany({
    where: { flowRunId },
    orderBy: { id: "asc" },
    include: { taskRun: { select: { name: true, mapIndex: true } } },
  });
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const key =
      r.taskRun.mapIndex < 0 ? r.taskRun.name : `${r.taskRun.name}[${r.taskRun.mapIndex}]`;
    (out[key] ??= []).push(`${r.fromState ?? "∅"}→${r.toState}`);
  }
  return out;
}

export type ReplayOutcome = {
  flowRuns: number;
  flowRows: number;
  taskRuns: number;
  taskRows: number;
  /** Each row the table does not explain, saying why. Empty when all is well. */
  problems: string[];
};

/**
 * Replays every state-history row in the database, run by run in the order written (id): the
 * first row of a flow run must be ∅ → Scheduled, and a task run's first row must start from
 * Pending (task runs are created Pending without a row); each row must start where the previous
 * one ended, each pair must be allowed by the transition table, and the last row must end in the
 * state the run holds now.
 */
export async function replayStateHistory(db: Db): Promise<ReplayOutcome> {
  const problems: string[] = [];
  const flowRows = await db.flowRunStateEvent.findMany({
    orderBy: { id: "asc" },
    select: { id: true, flowRunId: true, fromState: true, toState: true },
  });
  const flowRuns = await db.flowRun.findMany({ select: { id: true, state: true } });
  const flowNow = new Map(flowRuns.map((r) => [r.id, r.state]));
  const byFlow = groupBy(flowRows, (r) => r.flowRunId);
  for (const run of flowRuns) {
    if (!byFlow.has(run.id)) problems.push(`flow run ${run.id} (${run.state}) has no history`);
  }
  for (const [id, rows] of byFlow) {
    let state: FlowRunState | null = null;
    for (const row of rows) {
      const at = `flow run ${id}, history row ${row.id} (${row.fromState ?? "∅"} → ${row.toState})`;
      if (state === null) {
        if (row.fromState !== null || row.toState !== INITIAL_FLOW_RUN_STATE) {
          problems.push(`${at}: the first row must be ∅ → ${INITIAL_FLOW_RUN_STATE}`);
        }
      } else if (row.fromState !== state) {
        problems.push(`${at}: starts from ${row.fromState}, but the run was ${state}`);
      } else if (!canTransitionFlowRun(state, row.toState)) {
        problems.push(`${at}: the transition table does not allow it`);
      }
      state = row.toState;
    }
    if (state !== flowNow.get(id)) {
      problems.push(`flow run ${id}: its history ends ${state}, but the run is ${flowNow.get(id)}`);
    }
  }

  const taskRows = await db.taskRunStateEvent.findMany({
    orderBy: { id: "asc" },
    select: { id: true, taskRunId: true, fromState: true, toState: true },
  });
  const taskRuns = await db.taskRun.findMany({ select: { id: true, state: true } });
  const taskNow = new Map(taskRuns.map((t) => [t.id, t.state]));
  const byTask = groupBy(taskRows, (r) => r.taskRunId);
  for (const [id, rows] of byTask) {
    let state: TaskRunState = INITIAL_TASK_RUN_STATE;
    for (const row of rows) {
      const at = `task run ${id}, history row ${row.id} (${row.fromState ?? "∅"} → ${row.toState})`;
      if (row.fromState !== state) {
        problems.push(`${at}: starts from ${row.fromState ?? "∅"}, but the task run was ${state}`);
      } else if (!canTransitionTaskRun(state, row.toState)) {
        problems.push(`${at}: the transition table does not allow it`);
      }
      state = row.toState;
    }
    if (state !== taskNow.get(id)) {
      problems.push(
        `task run ${id}: its history ends ${state}, but the task run is ${taskNow.get(id)}`,
      );
    }
  }
  // A task run without history must still be in the state it was created in.
  for (const t of taskRuns) {
    if (!byTask.has(t.id) && t.state !== INITIAL_TASK_RUN_STATE) {
      problems.push(`task run ${t.id} is ${t.state} without any history row`);
    }
  }
  return {
    flowRuns: byFlow.size,
    flowRows: flowRows.length,
    taskRuns: byTask.size,
    taskRows: taskRows.length,
    problems,
  };
}

/**
 * The last test of a hot-SQL file (each file has a database of its own): every state-history row
 * its tests wrote replays against the transition table. `moreThan` keeps it from passing on a
 * history too short to say anything.
 */
export function describeHistoryReplay(
  test: { readonly db: Db },
  moreThan: { flowRows: number; taskRows: number },
) {
  describe("every state-history row these statements wrote", () => {
    it("replays against the transition table", async () => {
      const replay = await replayStateHistory(test.db);
      expect(replay.problems).toEqual([]);
      expect(replay.flowRows).toBeGreaterThan(moreThan.flowRows);
      expect(replay.taskRows).toBeGreaterThan(moreThan.taskRows);
    });
  });
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
