// What the server believes of an agent's report (issue #10, hole 14): an agent holds a lease, not
// the truth. Times are kept to the run's window (report-times.ts) and a run's end must agree with
// its tasks (contract/run-states.ts finalFlowRunStateProblem), on PGlite and PostgreSQL alike.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { block, completion, heldRun, report, type HeldRun } from "../../../test/support/logs.ts";
import { readLogWindow } from "../logs/read-logs.ts";

const test = freshDatabase();
const now = () => new Date().toISOString();

async function claimedAt(held: HeldRun): Promise<number> {
  const claim = await test.db.flowRunStateEvent.findFirstOrThrow({
    where: { flowRunId: held.runId, toState: "Pending" },
  });
  return claim.at.getTime();
}

async function states(held: HeldRun) {
  const run = await test.db.flowRun.findUniqueOrThrow({
    where: { id: held.runId },
    select: {
      state: true,
      taskRuns: { orderBy: { position: "asc" }, select: { name: true, state: true } },
    },
  });
  return { run: run.state, tasks: Object.fromEntries(run.taskRuns.map((t) => [t.name, t.state])) };
}

describe("the times an agent reports", () => {
  it("are kept between the claim and the report's arrival: no year 9999, nothing before the claim", async () => {
    const held = await heldRun(test.db, { claimedAt: null });
    const claim = await claimedAt(held);
    const before = Date.now();
    await report(test.db, held, {
      events: [
        { type: "flow", state: "Running", at: "1970-01-01T00:00:00.000Z" },
        { type: "task", task: "extract", state: "Running", attempt: 1, at: "9999-12-31T23:59:59.999Z" },
        { type: "log", task: "extract", attempt: 1, level: "info", message: "v1 line", at: "9999-12-31T23:59:59.999Z" },
      ],
      logs: [
        block("extract", ["far", "future"], "info", Date.UTC(9999, 11, 31)),
        block("extract", ["a line", "of the past"], "warning", 0),
        block("extract", ["beyond any date"], "info", Number.MAX_SAFE_INTEGER),
      ],
    }); // prettier-ignore
    const after = Date.now();

    const run = await test.db.flowRun.findUniqueOrThrow({
      where: { id: held.runId },
      select: { startedAt: true, stateChangedAt: true, taskRuns: { where: { name: "extract" } } },
    });
    expect(run.startedAt!.getTime()).toBe(claim);
    expect(run.taskRuns[0]!.startedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(run.taskRuns[0]!.startedAt!.getTime()).toBeLessThanOrEqual(after);
    const history = await test.db.taskRunStateEvent.findMany({ where: { flowRunId: held.runId } });
    expect(history.map((h) => h.at.getTime() <= after)).toEqual([true]);

    const { lines } = await readLogWindow(test.db, held.runId, { from: 1, to: 100 });
    expect(lines.map((l) => l.message)).toEqual([
      "v1 line",
      "far",
      "future",
      "a line",
      "of the past",
      "beyond any date",
    ]);
    for (const line of lines) {
      const at = Date.parse(line.timestamp);
      expect(at, `${line.message} at ${line.timestamp}`).toBeGreaterThanOrEqual(claim);
      expect(at, `${line.message} at ${line.timestamp}`).toBeLessThanOrEqual(after);
    }
    expect(lines[3]!.timestamp).toBe(new Date(claim).toISOString());
  });

  it("of a right clock are stored as sent", async () => {
    const held = await heldRun(test.db, { claimedAt: null });
    // The claim's own time: inside the window whatever the rounding (the database stamps the
    // claim to the microsecond and stores milliseconds rounded, so "a millisecond ago" by this
    // process's clock may lie before it).
    const claimed = await test.db.flowRunStateEvent.findFirstOrThrow({
      where: { flowRunId: held.runId, toState: "Pending" },
      select: { at: true },
    });
    const at = claimed.at.toISOString();
    await report(test.db, held, {
      events: [{ type: "flow", state: "Running", at }],
      logs: [block("extract", ["on time"], "info", Date.parse(at))],
    });
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: held.runId } });
    expect(run.startedAt!.toISOString()).toBe(at);
    const { lines } = await readLogWindow(test.db, held.runId, { from: 1, to: 10 });
    expect(lines[0]!.timestamp).toBe(at);
  });
});

describe("a run's end as an agent reports it", () => {
  it("is refused while a task is still running, and the batch changes nothing", async () => {
    const held = await heldRun(test.db, { claimedAt: null });
    await report(test.db, held, {
      events: [
        { type: "flow", state: "Running", at: now() },
        { type: "task", task: "extract", state: "Running", attempt: 1, at: now() },
      ],
    });
    await expect(
      report(test.db, held, {
        events: [{ type: "flow", state: "Completed", at: now() }],
        logs: [block("extract", ["a line of the refused batch"])],
      }),
    ).rejects.toMatchObject({
      code: "invalid_state",
      message: `report ends flow run ${held.runId} Completed, but task "extract" is still Running (a run ends only once all its tasks have)`,
    });
    expect(await states(held)).toEqual({
      run: "Running",
      tasks: { extract: "Running", report: "Pending", notify: "Pending" },
    });
    expect((await readLogWindow(test.db, held.runId, { from: 1, to: 10 })).total).toBe(0);

    // Batch 2 was not applied: the agent's next batch takes its number, and may end the run
    // once its tasks have ended.
    held.seq = 1;
    expect(await report(test.db, held, { events: completion().slice(1) })).toEqual({
      applied: true,
      cancel: false,
    });
    expect(await states(held)).toEqual({
      run: "Completed",
      tasks: { extract: "Completed", report: "Completed", notify: "Completed" },
    });
  });

  it("Completed is refused when a task failed; Failed when none did", async () => {
    const failed = await heldRun(test.db, { claimedAt: null });
    const events: ReportEvent[] = [
      { type: "flow", state: "Running", at: now() },
      { type: "task", task: "extract", state: "Running", attempt: 1, at: now() },
      { type: "task", task: "extract", state: "Failed", attempt: 1, at: now() },
      { type: "task", task: "report", state: "NotRun", attempt: 0, at: now() },
      { type: "task", task: "notify", state: "NotRun", attempt: 0, at: now() },
    ];
    await expect(
      report(test.db, failed, { events: [...events, { type: "flow", state: "Completed", at: now() }] }),
    ).rejects.toMatchObject({
      code: "invalid_state",
      message: expect.stringContaining('but task "extract" ended Failed (Completed needs every task Completed or Cached)'),
    }); // prettier-ignore
    failed.seq = 0;
    await report(test.db, failed, {
      events: [...events, { type: "flow", state: "Failed", at: now() }],
    });
    expect((await states(failed)).run).toBe("Failed");

    const fine = await heldRun(test.db, { claimedAt: null });
    const completed = completion();
    completed[completed.length - 1] = { type: "flow", state: "Failed", at: now() };
    await expect(
      report(test.db, fine, {
        events: [{ type: "flow", state: "Running", at: now() }, ...completed],
      }),
    ).rejects.toMatchObject({
      code: "invalid_state",
      message: expect.stringContaining("but no task ended Failed, Crashed or NotRun"),
    });
  });
});
