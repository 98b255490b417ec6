// The hot statements agents' leases drive, one by one, on a real database (int-pglite and
// int-postgres): the claim, the renewal (heartbeat), the hand-back, the lease expiry (reaper) and
// the cancel — the exact rows each leaves, edge cases included. (The re-attach grace after a
// silence: ./hot-sql-reattach.int.test.ts.) The last test replays every state-history row these
// statements wrote against the transition table.
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import { heldRuns } from "../../../test/support/held-runs.ts";
import {
  describeHistoryReplay,
  flowHistory,
  hotSetup,
  LEASE_MS,
  readRun,
  taskHistory,
} from "../../../test/support/state-history.ts";
import { cancelFlowRun } from "../cancel-flow-run.ts";
import {
  claimFlowRuns,
  claimFlowRunsWithinLimits,
  reapExpiredLeases,
  releaseRuns,
  renewLeases,
  shortenLeases,
} from "./index.ts";

const test = freshDatabase();
const { claimOne, leaseEndsIn, report } = heldRuns(test);
const iso = () => new Date().toISOString();

describe("the claim", () => {
  it("takes due runs Scheduled → Pending under a fresh lease each, with its history row", async () => {
    const s = await hotSetup(test.db);
    const a = await s.newRun();
    const b = await s.newRun();
    const later = await s.newRun();
    await test.db.flowRun.update({
      where: { id: later },
      data: { scheduledAt: new Date(Date.now() + 3_600_000) },
    });
    const rows = await claimFlowRuns(test.db, s.claim);
    expect(rows.map((r) => r.id).sort()).toEqual([a, b].sort());
    expect(new Set(rows.map((r) => r.leaseId)).size).toBe(2);
    for (const id of [a, b]) {
      const run = await readRun(test.db, id);
      const row = rows.find((r) => r.id === id)!;
      expect(run).toMatchObject({
        state: "Pending",
        agentId: s.agentId,
        leaseId: row.leaseId,
        reportSeq: 0,
        attempt: 1,
        stateMessage: null,
        startedAt: null,
        endedAt: null,
      });
      // The lease is the statement's time plus the lease, as is the state's change.
      expect(run.leaseExpiresAt!.getTime() - run.stateChangedAt.getTime()).toBe(LEASE_MS);
      expect(run.tasks).toEqual({ extract: "Pending", report: "Pending", notify: "Pending" });
      expect(await flowHistory(test.db, id)).toEqual(["∅→Scheduled", "Scheduled→Pending"]);
      const claimRow = await test.db.flowRunStateEvent.findFirstOrThrow({
        where: { flowRunId: id, toState: "Pending" },
      });
      expect(claimRow).toMatchObject({ message: "Claimed by an agent", at: run.stateChangedAt });
    }
    expect((await readRun(test.db, later)).state).toBe("Scheduled");
    // Claimed runs are no longer waiting: a second claim takes nothing.
    expect(await claimFlowRuns(test.db, s.claim)).toEqual([]);
  });

  it("under a queue limit takes no more than its free slots, the oldest first", async () => {
    const s = await hotSetup(test.db);
    const first = await s.newRun();
    const second = await s.newRun();
    await test.db.workQueue.update({ where: { name: s.queue }, data: { concurrencyLimit: 1 } });
    const rows = await claimFlowRunsWithinLimits(test.db, s.claim);
    expect(rows.map((r) => r.id)).toEqual([first]);
    expect(await claimFlowRunsWithinLimits(test.db, s.claim)).toEqual([]);
    expect((await readRun(test.db, second)).state).toBe("Scheduled");
    await test.db.workQueue.update({ where: { name: s.queue }, data: { concurrencyLimit: null } });
  });
});

describe("the lease renewal (heartbeat)", () => {
  it("extends only the agent's own active runs, changes no state and writes no history", async () => {
    const s = await hotSetup(test.db);
    const other = await hotSetup(test.db);
    const held = await claimOne(s);
    const cancelling = await claimOne(s);
    await cancelFlowRun(test.db, cancelling.id);
    const notMine = await claimOne(other);
    const ended = await claimOne(s);
    await leaseEndsIn(ended.id, -1);
    await reapExpiredLeases(test.db, { reattachGraceMs: 0 });
    await leaseEndsIn(held.id, 100);
    const before = await readRun(test.db, held.id);
    const historyBefore = await test.db.flowRunStateEvent.count();

    const renewed = await renewLeases(test.db, {
      agentId: s.agentId,
      runIds: [held.id, cancelling.id, notMine.id, ended.id],
      leaseMs: LEASE_MS,
    });
    expect(renewed.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
      [
        { id: held.id, state: "Pending", reattached: false },
        { id: cancelling.id, state: "Cancelling", reattached: false },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    const after = await readRun(test.db, held.id);
    expect(after.leaseExpiresAt!.getTime()).toBeGreaterThan(before.leaseExpiresAt!.getTime());
    expect(after).toMatchObject({
      state: before.state,
      leaseId: before.leaseId,
      stateChangedAt: before.stateChangedAt,
    });
    expect((await readRun(test.db, ended.id)).state).toBe("Crashed");
    expect((await readRun(test.db, notMine.id)).agentId).toBe(other.agentId);
    expect(await test.db.flowRunStateEvent.count()).toBe(historyBefore);
    expect(await renewLeases(test.db, { agentId: s.agentId, runIds: [], leaseMs: 1 })).toEqual([]);
  });

  it("is cut short to a few seconds when the agent's connection breaks off", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const soon = await claimOne(s);
    await leaseEndsIn(soon.id, 500);
    const shortened = await shortenLeases(test.db, {
      agentId: s.agentId,
      withinMs: 3_000,
      reattachGraceMs: 0,
    });
    expect(shortened).toBe(2);
    const [{ now }] = await test.db.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
    const lease = (await readRun(test.db, held.id)).leaseExpiresAt!.getTime();
    expect(lease).toBeLessThanOrEqual(now.getTime() + 3_000);
    // An earlier end stays: LEAST never extends a lease.
    expect((await readRun(test.db, soon.id)).leaseExpiresAt!.getTime()).toBeLessThan(lease);
    expect((await readRun(test.db, held.id)).state).toBe("Pending");
  });

  it("ends within those seconds too for runs with flow-level retries left, not at once", async () => {
    const grace = { reattachGraceMs: 120_000 };
    for (const retries of [0, 2]) {
      const s = await hotSetup(test.db, { retries });
      const held = await claimOne(s);
      await shortenLeases(test.db, { agentId: s.agentId, withinMs: 3_000, ...grace });
      // Nothing to reap yet: a live agent whose connection merely dropped can still renew.
      expect((await reapExpiredLeases(test.db, grace)).crashed).not.toContain(held.id);
      await leaseEndsIn(held.id, retries ? -1 : -1 - grace.reattachGraceMs);
      expect((await reapExpiredLeases(test.db, grace)).crashed).toContain(held.id);
    }
  });
});

describe("the hand-back (release)", () => {
  it("returns only unstarted runs to the queue, dropping the lease", async () => {
    const s = await hotSetup(test.db);
    const unstarted = await claimOne(s);
    const started = await claimOne(s);
    await report(started, [{ type: "flow", state: "Running", at: iso() }]);
    const released = await releaseRuns(test.db, {
      agentId: s.agentId,
      runIds: [unstarted.id, started.id],
    });
    expect(released).toEqual([unstarted.id]);
    expect(await readRun(test.db, unstarted.id)).toMatchObject({
      state: "Scheduled",
      agentId: null,
      leaseId: null,
      leaseExpiresAt: null,
      reportSeq: 0,
      stateMessage: "Handed back by an agent that stopped before starting it",
    });
    expect(await flowHistory(test.db, unstarted.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Scheduled",
    ]);
    expect((await readRun(test.db, started.id)).state).toBe("Running");
    // Back in the queue: the next claim takes it, under a new lease.
    const again = await claimFlowRuns(test.db, s.claim);
    expect(again.map((r) => r.id)).toEqual([unstarted.id]);
    expect(again[0]!.leaseId).not.toBe(unstarted.leaseId);
  });
});

describe("the lease expiry (reaper)", () => {
  it("crashes expired runs: running tasks Crashed, waiting ones NotRun, finished ones kept", async () => {
    const s = await hotSetup(test.db);
    const running = await claimOne(s);
    const pending = await claimOne(s);
    const alive = await claimOne(s);
    await report(running, [
      { type: "flow", state: "Running", at: iso() },
      { type: "task", task: "extract", state: "Running", attempt: 1, at: iso() },
      { type: "task", task: "extract", state: "Completed", attempt: 1, at: iso(), result: 1 },
      { type: "task", task: "report", state: "Running", attempt: 1, at: iso() },
      { type: "task", task: "report", state: "Retrying", attempt: 1, at: iso(), nextAttemptAt: iso(), error: { type: "E", message: "again" } },
    ]); // prettier-ignore
    await leaseEndsIn(running.id, -1);
    await leaseEndsIn(pending.id, -1);

    // Other tests' runs may expire meanwhile (their leases were cut short): look at these only.
    const mine = [running.id, pending.id, alive.id];
    const reaped = await reapExpiredLeases(test.db, { reattachGraceMs: 0 });
    expect(reaped.crashed.filter((id) => mine.includes(id)).sort()).toEqual(
      [running.id, pending.id].sort(),
    );
    expect(reaped.cancelled.filter((id) => mine.includes(id))).toEqual([]);
    const run = await readRun(test.db, running.id);
    expect(run).toMatchObject({
      state: "Crashed",
      stateMessage: "The agent stopped answering (lease expired)",
      error: { type: "Crashed" },
    });
    expect(run.endedAt!.getTime()).toBe(run.stateChangedAt.getTime());
    expect(run.endedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(run.tasks).toEqual({ extract: "Completed", report: "Crashed", notify: "NotRun" });
    const report_ = run.taskRuns.find((t) => t.name === "report")!;
    expect(report_).toMatchObject({ nextAttemptAt: null, attempts: 1, error: { type: "Crashed" } });
    expect(run.taskRuns.find((t) => t.name === "notify")!.error).toMatchObject({
      type: "FlowRunCrashed",
    });
    expect(await flowHistory(test.db, running.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Running",
      "Running→Crashed",
    ]);
    expect(await taskHistory(test.db, running.id)).toEqual({
      extract: ["Pending→Running", "Running→Completed"],
      report: ["Pending→Running", "Running→Retrying", "Retrying→Crashed"],
      notify: ["Pending→NotRun"],
    });
    expect((await readRun(test.db, pending.id)).tasks).toEqual({
      extract: "NotRun",
      report: "NotRun",
      notify: "NotRun",
    });
    expect((await readRun(test.db, alive.id)).state).toBe("Pending");
    // A second pass finds nothing more of these.
    const again = await reapExpiredLeases(test.db, { reattachGraceMs: 0 });
    expect([...again.crashed, ...again.cancelled].filter((id) => mine.includes(id))).toEqual([]);
  });

  it("forces Cancelled a run whose agent did not confirm its cancel, ending its open tasks", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await report(held, [
      { type: "flow", state: "Running", at: iso() },
      { type: "task", task: "extract", state: "Running", attempt: 1, at: iso() },
    ]);
    expect(await cancelFlowRun(test.db, held.id)).toEqual({ id: held.id, state: "Cancelling" });
    await leaseEndsIn(held.id, -1);
    const reaped = await reapExpiredLeases(test.db, { reattachGraceMs: 0 });
    expect(reaped.cancelled).toContain(held.id);
    expect(reaped.crashed).not.toContain(held.id);
    const run = await readRun(test.db, held.id);
    expect(run.state).toBe("Cancelled");
    expect(run.tasks).toEqual({ extract: "Cancelled", report: "Cancelled", notify: "Cancelled" });
    expect(await flowHistory(test.db, held.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Running",
      "Running→Cancelling",
      "Cancelling→Cancelled",
    ]);
  });

  it("spares a lease still running at the pass's instant and reaps one just past it", async () => {
    const s = await hotSetup(test.db);
    const spared = await claimOne(s);
    const reapedRun = await claimOne(s);
    // One transaction: now() is one instant for the leases and the reaper's comparison. The
    // lease column keeps milliseconds (timestamptz(3)) while now() has microseconds, so a lease
    // set to exactly now() is stored rounded and may read as up to 0.5 ms in the past: on
    // PostgreSQL it was reaped here. The boundary is one millisecond of the column either side.
    const reaped = await test.db.$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() + interval '1 millisecond' WHERE id = ${spared.id}::uuid`;
      await tx.$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() - interval '1 millisecond' WHERE id = ${reapedRun.id}::uuid`;
      return reapExpiredLeases(tx, { reattachGraceMs: 0 });
    });
    expect(reaped.crashed).not.toContain(spared.id);
    expect(reaped.crashed).toContain(reapedRun.id);
    expect((await readRun(test.db, spared.id)).state).toBe("Pending");
    expect((await readRun(test.db, reapedRun.id)).state).toBe("Crashed");
  });

  it("and a renewal racing it: exactly one wins, and the two never disagree", async () => {
    const s = await hotSetup(test.db);
    const outcomes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const held = await claimOne(s);
      await leaseEndsIn(held.id, -1);
      const renew = () =>
        renewLeases(test.db, { agentId: s.agentId, runIds: [held.id], leaseMs: LEASE_MS });
      const reap = () =>
        test.db.$transaction((tx) => reapExpiredLeases(tx, { reattachGraceMs: 0 }));
      const [renewed, reaped] =
        i % 2 === 0
          ? await Promise.all([renew(), reap()])
          : await Promise.all([reap(), renew()]).then(([a, b]) => [b, a] as const);
      const run = await readRun(test.db, held.id);
      if (reaped.crashed.includes(held.id)) {
        // The reaper went first: the renewal found the run no longer active.
        expect(renewed).toEqual([]);
        expect(run.state).toBe("Crashed");
        outcomes.add("crashed");
      } else {
        expect(renewed).toEqual([{ id: held.id, state: "Pending", reattached: false }]);
        expect(run.state).toBe("Pending");
        expect(run.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
        outcomes.add("renewed");
      }
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });
});

describe("the cancel", () => {
  it("ends a waiting run at once with its tasks, and asks the agent of a held one", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    const waiting = await s.newRun();
    expect(await cancelFlowRun(test.db, waiting)).toEqual({ id: waiting, state: "Cancelled" });
    const run = await readRun(test.db, waiting);
    expect(run).toMatchObject({
      state: "Cancelled",
      stateMessage: "Cancelled before an agent took it",
    });
    expect(run.endedAt).not.toBeNull();
    expect(run.tasks).toEqual({ extract: "Cancelled", report: "Cancelled", notify: "Cancelled" });

    expect(await cancelFlowRun(test.db, held.id)).toEqual({ id: held.id, state: "Cancelling" });
    const cancelling = await readRun(test.db, held.id);
    // The agent still holds it under the same lease until it confirms.
    expect(cancelling).toMatchObject({ state: "Cancelling", leaseId: held.leaseId, endedAt: null });
    expect(cancelling.tasks).toEqual({ extract: "Pending", report: "Pending", notify: "Pending" });
    // A second cancel changes nothing.
    expect(await cancelFlowRun(test.db, held.id)).toEqual({ id: held.id, state: "Cancelling" });
    expect(await flowHistory(test.db, held.id)).toEqual([
      "∅→Scheduled",
      "Scheduled→Pending",
      "Pending→Cancelling",
    ]);
    // The agent's report learns it, and its confirmation ends the run.
    expect(await report(held, [])).toEqual({ applied: true, cancel: true });
    await report(held, [
      { type: "task", task: "extract", state: "Cancelled", attempt: 0, at: iso() },
      { type: "task", task: "report", state: "Cancelled", attempt: 0, at: iso() },
      { type: "task", task: "notify", state: "Cancelled", attempt: 0, at: iso() },
      { type: "flow", state: "Cancelled", at: iso() },
    ]);
    expect((await readRun(test.db, held.id)).state).toBe("Cancelled");
  });
});

describeHistoryReplay(test, { flowRows: 40, taskRows: 15 });
