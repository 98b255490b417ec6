// A realistic mix through the hot statements — agents claiming, starting, retrying and finishing
// tasks, handing runs back, going silent (lease expiry), cancels at any point, deployment retries
// and replays of ended runs — driven by a seeded random choice among the moves each run allows
// now. Then every state-history row written is replayed against the transition table: each run's
// rows, in the order written, must chain from its first state through allowed transitions to the
// state it holds. On int-pglite and int-postgres.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import { isFinalFlowRunState, type TaskRunState } from "../../../contract/run-states.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import {
  hotSetup,
  LEASE_MS,
  readRun,
  replayStateHistory,
} from "../../../test/support/state-history.ts";
import { PipebookError } from "../../errors.ts";
import { applyReport } from "../apply-report.ts";
import { cancelFlowRun } from "../cancel-flow-run.ts";
import { replayFlowRun } from "../replay/replay-flow-run.ts";
import {
  claimFlowRuns,
  claimFlowRunsWithinLimits,
  reapExpiredLeases,
  releaseRuns,
  retryFlowRun,
} from "./index.ts";

const test = freshDatabase();
const iso = () => new Date().toISOString();
const TASKS = ["extract", "report", "notify"] as const;

/** mulberry32: the same mix on every run of the test (the seed is printed on failure). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("a realistic mix through the hot statements", () => {
  it("writes only history the transition table allows", async () => {
    const SEED = 20261201;
    const rand = random(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const s = await hotSetup(test.db, { retries: 1 });
    const leases = new Map<string, { leaseId: string; seq: number }>();
    const moves = new Map<string, number>();
    const count = (move: string) => moves.set(move, (moves.get(move) ?? 0) + 1);

    const claim = async () => {
      const claimFn = rand() < 0.3 ? claimFlowRunsWithinLimits : claimFlowRuns;
      const rows = await claimFn(test.db, { ...s.claim, capacity: 1 + Math.floor(rand() * 3) });
      for (const r of rows) leases.set(r.id, { leaseId: r.leaseId, seq: 0 });
      count("claim");
    };
    const send = async (id: string, events: ReportEvent[]) => {
      const lease = leases.get(id)!;
      lease.seq++;
      await applyReport(test.db, id, { leaseId: lease.leaseId, seq: lease.seq, events, logs: [] }, { leaseMs: LEASE_MS }); // prettier-ignore
    };
    const expire = async (id: string) => {
      await test.db
        .$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = ${id}::uuid`;
      await test.db.$transaction(async (tx) => {
        const reaped = await reapExpiredLeases(tx, { reattachGraceMs: 0 });
        for (const crashed of reaped.crashed) await retryFlowRun(tx, crashed);
      });
      count("lease expiry");
    };
    /** The agent's next report for a Running run: one task moves, or the run ends. */
    const progress = async (
      id: string,
      tasks: Record<string, TaskRunState>,
      attempts: Record<string, number>,
    ) => {
      const open = TASKS.find(
        (t) =>
          !["Completed", "Cached", "Failed", "NotRun", "Cancelled", "Crashed"].includes(tasks[t]!),
      );
      if (!open) {
        const failed = TASKS.some((t) => tasks[t] === "Failed" || tasks[t] === "NotRun");
        await send(id, [{ type: "flow", state: failed ? "Failed" : "Completed", at: iso() }]);
        return count(failed ? "report: run Failed" : "report: run Completed");
      }
      const attempt = Math.max(1, attempts[open]!);
      const state = tasks[open]!;
      if (state === "Pending") {
        return void (await send(id, [{ type: "task", task: open, state: "Running", attempt, at: iso() }]), count("report: task Running")); // prettier-ignore
      }
      if (state === "Retrying") {
        return void (await send(id, [{ type: "task", task: open, state: "Running", attempt: attempt + 1, at: iso() }]), count("report: task Running again")); // prettier-ignore
      }
      const r = rand();
      if (r < 0.75) {
        await send(id, [{ type: "task", task: open, state: "Completed", attempt, at: iso(), result: attempt }]); // prettier-ignore
        count("report: task Completed");
      } else if (r < 0.9 && attempt < 3) {
        await send(id, [{ type: "task", task: open, state: "Retrying", attempt, at: iso(), nextAttemptAt: iso(), error: { type: "E", message: "retry" } }]); // prettier-ignore
        count("report: task Retrying");
      } else {
        // It fails; what depends on it will not run.
        const after = TASKS.slice(TASKS.indexOf(open) + 1).filter((t) => tasks[t] === "Pending");
        await send(id, [
          { type: "task", task: open, state: "Failed", attempt, at: iso(), error: { type: "E", message: "no" } },
          ...after.map((t): ReportEvent => ({ type: "task", task: t, state: "NotRun", attempt: 0, at: iso() })),
          { type: "flow", state: "Failed", at: iso(), error: { type: "E", message: "no" } },
        ]); // prettier-ignore
        count("report: task Failed, run Failed");
      }
    };
    /** The agent confirms a cancel: its open tasks Cancelled, then the run. */
    const confirmCancel = async (id: string, tasks: Record<string, TaskRunState>) => {
      const open = TASKS.filter((t) => ["Pending", "Running", "Retrying"].includes(tasks[t]!));
      await send(id, [
        ...open.map((t): ReportEvent => ({ type: "task", task: t, state: "Cancelled", attempt: 0, at: iso() })),
        { type: "flow", state: "Cancelled", at: iso() },
      ]); // prettier-ignore
      count("report: cancel confirmed");
    };

    const runs: string[] = [];
    for (let i = 0; i < 12; i++) runs.push(await s.newRun());
    const STEPS = 400;
    try {
      for (let step = 0; step < STEPS; step++) {
        const id = pick(runs);
        const run = await readRun(test.db, id);
        const attempts = Object.fromEntries(run.taskRuns.map((t) => [t.name, t.attempts]));
        const r = rand();
        switch (run.state) {
          case "Scheduled":
            if (r < 0.85) await claim();
            else await cancelFlowRun(test.db, id).then(() => count("cancel (waiting)"));
            break;
          case "Pending":
            if (r < 0.8)
              await send(id, [{ type: "flow", state: "Running", at: iso() }]).then(() => count("report: run Running")); // prettier-ignore
            else if (r < 0.88)
              await releaseRuns(test.db, { agentId: s.agentId, runIds: [id] }).then(() => count("release")); // prettier-ignore
            else if (r < 0.94) await expire(id);
            else await cancelFlowRun(test.db, id).then(() => count("cancel (held)"));
            break;
          case "Running":
            if (r < 0.93) await progress(id, run.tasks, attempts);
            else if (r < 0.97) await expire(id);
            else await cancelFlowRun(test.db, id).then(() => count("cancel (held)"));
            break;
          case "Cancelling":
            if (r < 0.6) await confirmCancel(id, run.tasks);
            else if (r < 0.8) await expire(id).then(() => count("forced cancel"));
            else await progress(id, run.tasks, attempts); // the run ends before the cancel lands
            break;
          default:
            // An ended run: sometimes replayed (a new run), else a fresh run takes its place.
            if (isFinalFlowRunState(run.state) && rand() < 0.3 && runs.length < 40) {
              const kind =
                run.state === "Completed" ? "retry" : pick(["retry", "fromFailure"] as const);
              const replay = await replayFlowRun(test.db, { runId: id, kind, version: "run" }).catch((e: unknown) => {
                if (e instanceof PipebookError) return null; // e.g. nothing failed to replay from
                throw e;
              }); // prettier-ignore
              if (replay) {
                runs.push(replay.id);
                count(`replay (${kind})`);
              }
            } else if (runs.length < 40) {
              runs.push(await s.newRun());
              count("new run");
            }
        }
      }
    } catch (error) {
      throw new Error(`the mix (seed ${SEED}) failed: ${String(error)}`, { cause: error });
    }

    // The mix reached every move it means to test.
    const made = [...moves.keys()];
    for (const move of [
      "claim",
      "release",
      "lease expiry",
      "forced cancel",
      "cancel (waiting)",
      "cancel (held)",
      "report: task Retrying",
      "report: task Failed, run Failed",
      "report: run Completed",
      "report: cancel confirmed",
      "new run",
    ]) {
      expect(made, `moves made: ${JSON.stringify(Object.fromEntries(moves))}`).toContain(move);
    }
    expect(made.some((m) => m.startsWith("replay"))).toBe(true);
    const retried = await test.db.flowRun.count({ where: { attempt: { gt: 1 } } });
    expect(retried).toBeGreaterThan(0);

    const replay = await replayStateHistory(test.db);
    expect(replay.problems).toEqual([]);
    expect(replay.flowRuns).toBeGreaterThanOrEqual(runs.length);
    expect(replay.flowRows).toBeGreaterThan(100);
    expect(replay.taskRows).toBeGreaterThan(100);
  }, 120_000);

  it("and the replay catches a row the table forbids", async () => {
    const s = await hotSetup(test.db);
    const id = await s.newRun();
    // Written by hand, as a faulty statement would: Scheduled → Completed is not allowed.
    await test.db.$executeRaw`UPDATE "FlowRun" SET state = 'Completed' WHERE id = ${id}::uuid`;
    await test.db.flowRunStateEvent.create({
      data: { flowRunId: id, fromState: "Scheduled", toState: "Completed" },
    });
    const task = await test.db.taskRun.findFirstOrThrow({ where: { flowRunId: id } });
    await test.db.taskRun.update({ where: { id: task.id }, data: { state: "Failed" } });
    const replay = await replayStateHistory(test.db);
    expect(replay.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^flow run ${id}, history row \\d+ \\(Scheduled → Completed\\): the transition table does not allow it$`,
        ),
      ),
      `task run ${task.id} is Failed without any history row`,
    ]);
    await test.db.flowRun.delete({ where: { id } });
  });
});
