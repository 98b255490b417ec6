// The hot statements of agents' reports, one by one, on a real database (int-pglite and
// int-postgres): a report batch moving tasks and ending the run, the same batch delivered twice,
// a report for a run no longer held, task-level retries (Retrying) and the flow-level retry
// (deployment retries), whose SQL rule is checked against canRetryFlowRun row by row. The last
// test replays every state-history row written here against the transition table.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import {
  canRetryFlowRun,
  FLOW_RUN_STATES,
  type FlowRunState,
} from "../../../contract/run-states.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { block } from "../../../test/support/logs.ts";
import { heldRuns, type Held } from "../../../test/support/held-runs.ts";
import {
  describeHistoryReplay,
  flowHistory,
  hotSetup,
  readRun,
  taskHistory,
} from "../../../test/support/state-history.ts";
import { Prisma } from "../../db/generated/client.ts";
import { isWriteConflict } from "../../db/sql-state.ts";
import { reapExpiredLeases, RETRY_ALLOWED, retryFlowRun } from "./index.ts";

const test = freshDatabase();
const { claimOne, report } = heldRuns(test);
const iso = () => new Date().toISOString();

/** A batch under the held lease, with a log line: the next number, unless `seq` sends one again. */
function send(held: Held, events: ReportEvent[], seq?: number) {
  return report(held, events, { seq, logs: [block("extract", ["a line"], "info", Date.now())] });
}

const task = (name: string, state: ReportEvent & { type: "task" } extends infer T ? T extends { state: infer S } ? S : never : never, attempt = 1, extra: Partial<ReportEvent> = {}): ReportEvent =>
  ({ type: "task", task: name, state, attempt, at: iso(), ...extra }) as ReportEvent; // prettier-ignore

describe("a report batch", () => {
  it("moves tasks and ends the run in one statement: states, history, lease, times", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const claimed = await readRun(test.db, held.id);
    expect(
      await send(held, [
        { type: "flow", state: "Running", at: iso() },
        task("extract", "Running"),
        task("extract", "Completed", 1, { result: 41 }),
        task("report", "Running"),
      ]),
    ).toEqual({ applied: true, cancel: false });
    const mid = await readRun(test.db, held.id);
    expect(mid).toMatchObject({ state: "Running", reportSeq: 1, logLines: 1, endedAt: null });
    expect(mid.tasks).toEqual({ extract: "Completed", report: "Running", notify: "Pending" });
    expect(mid.leaseExpiresAt!.getTime()).toBeGreaterThan(claimed.leaseExpiresAt!.getTime());
    expect(mid.startedAt!.getTime()).toBeGreaterThanOrEqual(claimed.stateChangedAt.getTime());

    await send(held, [
      task("report", "Completed", 1, { result: null }),
      task("notify", "Running"),
      task("notify", "Completed", 1, { result: "ok" }),
      { type: "flow", state: "Completed", at: iso() },
    ]);
    const run = await readRun(test.db, held.id);
    expect(run).toMatchObject({
      state: "Completed",
      reportSeq: 2,
      logLines: 2,
      leaseId: held.leaseId,
    });
    expect(run.tasks).toEqual({ extract: "Completed", report: "Completed", notify: "Completed" });
    expect(run.endedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    for (const t of run.taskRuns) {
      expect(t.attempts).toBe(1);
      expect(t.endedAt!.getTime()).toBeGreaterThanOrEqual(t.startedAt!.getTime());
      expect(t.endedAt!.getTime()).toBeLessThanOrEqual(run.endedAt!.getTime());
    }
    const results = await test.db.result.findMany({
      where: { taskRun: { flowRunId: held.id } },
      select: { value: true, taskRun: { select: { name: true } } },
    });
    expect(Object.fromEntries(results.map((r) => [r.taskRun.name, r.value]))).toEqual({
      extract: 41,
      report: null,
      notify: "ok",
    });
    expect(await flowHistory(test.db, held.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Running",
      "Running→Completed",
    ]);
  });

  it("delivered twice is applied once (the second is a duplicate that changes nothing)", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const events: ReportEvent[] = [
      { type: "flow", state: "Running", at: iso() },
      task("extract", "Running"),
    ];
    expect(await send(held, events, 1)).toEqual({ applied: true, cancel: false });
    const once = await readRun(test.db, held.id);
    const rows = async () => ({
      flow: await test.db.flowRunStateEvent.count({ where: { flowRunId: held.id } }),
      task: await test.db.taskRunStateEvent.count({ where: { flowRunId: held.id } }),
      logs: await test.db.logChunk.count({ where: { flowRunId: held.id } }),
    });
    const before = await rows();
    expect(await send(held, events, 1)).toEqual({ applied: false, cancel: false });
    const twice = await readRun(test.db, held.id);
    expect(twice).toMatchObject({
      state: once.state,
      reportSeq: 1,
      logLines: 1,
      leaseExpiresAt: once.leaseExpiresAt,
    });
    expect(twice.tasks).toEqual(once.tasks);
    expect(await rows()).toEqual(before);
  });

  it("sent twice at once is applied once: the write that loses the race reads again", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const events: ReportEvent[] = [
      { type: "flow", state: "Running", at: iso() },
      task("extract", "Running"),
    ];
    // No row lock: both read the run before either writes (one connection on PGlite, two on
    // PostgreSQL); the fenced write lets one through and the other finds the batch applied.
    const answers = await Promise.all([send(held, events, 1), send(held, events, 1)]);
    expect(answers.map((a) => a.applied).sort()).toEqual([false, true]);
    const run = await readRun(test.db, held.id);
    expect(run).toMatchObject({ state: "Running", reportSeq: 1, logLines: 1 });
    expect(await test.db.logChunk.count({ where: { flowRunId: held.id } })).toBe(1);
    expect(await taskHistory(test.db, held.id)).toEqual({ extract: ["Pending→Running"] });
  });

  it("is one statement that undoes itself when a part falls short (pipebook_abort)", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const before = await flowHistory(test.db, held.id);
    // The guard the report statement ends with, on a statement that has already inserted a row.
    const failed = await test.db.$queryRaw`
        WITH row AS (
          INSERT INTO "FlowRunStateEvent" ("flowRunId", "fromState", "toState", "at")
          VALUES (${held.id}::uuid, 'Pending', 'Running', now()) RETURNING 1
        )
        SELECT CASE WHEN (SELECT count(*) FROM row) <> ${2}::int THEN pipebook_abort('fell short') END`.then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failed)).toMatch(/fell short/);
    // What applyReportBatch takes for a lost race (read again), on both databases' adapters.
    expect(isWriteConflict(failed)).toBe(true);
    expect(await flowHistory(test.db, held.id)).toEqual(before);
  });

  it("out of order is refused as a conflict, changing nothing", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await expect(
      send(held, [{ type: "flow", state: "Running", at: iso() }], 2),
    ).rejects.toMatchObject({
      code: "conflict",
      message:
        "report batch 2 arrived out of order (the last applied was 0): send batches in order",
    });
    expect(await readRun(test.db, held.id)).toMatchObject({ state: "Pending", reportSeq: 0 });
  });

  it("for a run no longer held is refused (lease lost), and the run is left as it is", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await send(held, [{ type: "flow", state: "Running", at: iso() }, task("extract", "Running")]);
    await test.db
      .$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = ${held.id}::uuid`;
    await reapExpiredLeases(test.db, { reattachGraceMs: 0 });
    const crashed = await readRun(test.db, held.id);
    await expect(
      send(held, [task("extract", "Completed", 1, { result: 1 })]),
    ).rejects.toMatchObject({
      code: "lease_lost",
      message: `flow run ${held.id} is no longer held under this lease (it is Crashed): stop executing it`,
      details: { lateLogsStored: true },
    });
    // Only the batch's log line is kept (the late agent's output: late-logs.ts).
    const after = await readRun(test.db, held.id);
    expect(after).toMatchObject({ state: "Crashed", reportSeq: 1, logLines: crashed.logLines + 1 });
    expect(after.tasks).toEqual(crashed.tasks);
    // Under a lease that is not the run's (an agent that lost it to another): refused too.
    const other = await claimOne(s);
    await expect(
      send({ ...other, leaseId: crypto.randomUUID() }, [
        { type: "flow", state: "Running", at: iso() },
      ]),
    ).rejects.toMatchObject({ code: "lease_lost" });
    expect((await readRun(test.db, other.id)).state).toBe("Pending");
  });

  it("moving a task the table does not allow is refused whole", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await expect(
      send(held, [
        { type: "flow", state: "Running", at: iso() },
        task("extract", "Completed", 1, { result: 1 }),
      ]),
    ).rejects.toMatchObject({
      code: "bad_request",
      message:
        'report moves task "extract" from Pending to Completed, which is not a valid transition',
    });
    expect(await readRun(test.db, held.id)).toMatchObject({ state: "Pending", reportSeq: 0 });
    expect(await taskHistory(test.db, held.id)).toEqual({});
  });
});

describe("retries", () => {
  it("of a task (Retrying) count attempts and clear the next attempt's time once it runs", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const next = new Date(Date.now() + 60_000).toISOString();
    await send(held, [
      { type: "flow", state: "Running", at: iso() },
      task("extract", "Running"),
      task("extract", "Retrying", 1, {
        nextAttemptAt: next,
        error: { type: "E", message: "try again" },
      }),
    ]);
    const retrying = (await readRun(test.db, held.id)).taskRuns.find((t) => t.name === "extract")!;
    expect(retrying).toMatchObject({
      state: "Retrying",
      attempts: 1,
      endedAt: null,
      error: { type: "E" },
    });
    expect(retrying.nextAttemptAt!.toISOString()).toBe(next);
    await send(held, [
      task("extract", "Running", 2),
      task("extract", "Completed", 2, { result: 1 }),
    ]);
    const done = (await readRun(test.db, held.id)).taskRuns.find((t) => t.name === "extract")!;
    expect(done).toMatchObject({
      state: "Completed",
      attempts: 2,
      nextAttemptAt: null,
      error: null,
    });
    expect(done.startedAt!.getTime()).toBeLessThanOrEqual(done.endedAt!.getTime());
    const history = await test.db.taskRunStateEvent.findMany({
      where: { taskRunId: done.id },
      orderBy: { id: "asc" },
      select: { fromState: true, toState: true, attempt: true },
    });
    expect(history.map((h) => `${h.fromState}→${h.toState}#${h.attempt}`)).toEqual([
      "Pending→Running#1",
      "Running→Retrying#1",
      "Retrying→Running#2",
      "Running→Completed#2",
    ]);
  });

  it("of a flow run queue it again within its retries, keeping completed tasks, then stop", async () => {
    const s = await hotSetup(test.db, { retries: 1 });
    const held = await claimOne(s);
    await send(held, [
      { type: "flow", state: "Running", at: iso() },
      task("extract", "Running"),
      task("extract", "Completed", 1, { result: 1 }),
      task("report", "Running"),
      task("report", "Failed", 1, { error: { type: "E", message: "no" } }),
      task("notify", "NotRun", 0),
      { type: "flow", state: "Failed", at: iso(), error: { type: "E", message: "no" } },
    ]);
    const retried = await readRun(test.db, held.id);
    expect(retried).toMatchObject({
      state: "Scheduled",
      attempt: 2,
      agentId: null,
      leaseId: null,
      leaseExpiresAt: null,
      reportSeq: 0,
      endedAt: null,
      error: null,
      stateMessage: "Retrying the flow run (deployment retries)",
    });
    expect(retried.tasks).toEqual({ extract: "Completed", report: "Pending", notify: "Pending" });
    const report = retried.taskRuns.find((t) => t.name === "report")!;
    expect(report).toMatchObject({ startedAt: null, endedAt: null, error: null, attempts: 1 });
    expect(await flowHistory(test.db, held.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Running",
      "Running→Failed",
      "Failed→Scheduled",
    ]);

    // Attempt 2 is the last its retries allow: failing again, it stays Failed.
    const second = await claimOne(s, held.id);
    expect(second.leaseId).not.toBe(held.leaseId);
    await send(second, [
      { type: "flow", state: "Running", at: iso() },
      task("report", "Running", 2),
      task("report", "Failed", 2, { error: { type: "E", message: "still no" } }),
      task("notify", "NotRun", 0),
      { type: "flow", state: "Failed", at: iso() },
    ]);
    const failed = await readRun(test.db, held.id);
    expect(failed).toMatchObject({ state: "Failed", attempt: 2 });
    expect(failed.tasks).toEqual({ extract: "Completed", report: "Failed", notify: "NotRun" });
    expect(await retryFlowRun(test.db, held.id)).toBe(false);
  });

  it("of a crashed flow run go through the same statement (the reaper's path)", async () => {
    const s = await hotSetup(test.db, { retries: 2 });
    const held = await claimOne(s);
    await send(held, [{ type: "flow", state: "Running", at: iso() }, task("extract", "Running")]);
    await test.db
      .$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = ${held.id}::uuid`;
    const retried = await test.db.$transaction(async (tx) => {
      const reaped = await reapExpiredLeases(tx, { reattachGraceMs: 0 });
      return Promise.all(reaped.crashed.map((id) => retryFlowRun(tx, id)));
    });
    expect(retried).toEqual([true]);
    const run = await readRun(test.db, held.id);
    expect(run).toMatchObject({ state: "Scheduled", attempt: 2, leaseId: null });
    expect(run.tasks).toEqual({ extract: "Pending", report: "Pending", notify: "Pending" });
    expect(await taskHistory(test.db, held.id)).toEqual({
      extract: ["Pending→Running", "Running→Crashed", "Crashed→Pending"],
      report: ["Pending→NotRun", "NotRun→Pending"],
      notify: ["Pending→NotRun", "NotRun→Pending"],
    });
  });

  it("follow canRetryFlowRun exactly: the SQL rule agrees with the contract's, row by row", async () => {
    const s = await hotSetup(test.db);
    const cases: { id: string; state: FlowRunState; attempt: number; maxRetries: number }[] = [];
    for (const state of FLOW_RUN_STATES) {
      for (const [attempt, maxRetries] of [
        [1, 0],
        [1, 1],
        [2, 1],
        [3, 3],
        [4, 3],
      ] as const) {
        const id = await s.newRun();
        await test.db.$executeRaw`UPDATE "FlowRun" SET state = ${state}::"FlowRunState",
          attempt = ${attempt}, "maxRetries" = ${maxRetries} WHERE id = ${id}::uuid`;
        cases.push({ id, state, attempt, maxRetries });
      }
    }
    const ids = cases.map((c) => c.id);
    const allowed = await test.db.$queryRaw<{ id: string }[]>`
      SELECT f.id FROM "FlowRun" f WHERE f.id IN (${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}) AND ${RETRY_ALLOWED}`;
    const sql = new Set(allowed.map((r) => r.id));
    const disagreements = cases
      .filter((c) => sql.has(c.id) !== canRetryFlowRun(c))
      .map((c) => `${c.state} attempt ${c.attempt} of maxRetries ${c.maxRetries}`);
    expect(disagreements).toEqual([]);
    expect(sql.size).toBe(cases.filter((c) => canRetryFlowRun(c)).length);
    expect(sql.size).toBeGreaterThan(0);
    // These rows were set by hand, not by the state machine: out of the history replay below.
    await test.db.flowRun.deleteMany({ where: { id: { in: ids } } });
  });
});

describeHistoryReplay(test, { flowRows: 30, taskRows: 30 });
