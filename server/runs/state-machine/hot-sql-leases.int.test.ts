// The hot statements agents' leases drive, one by one, on a real database (int-pglite and
// int-postgres): the claim, the renewal (heartbeat), the hand-back, the lease expiry (reaper) and
// the cancel — the exact rows each leaves, edge cases included. The last test replays every
// state-history row these statements wrote against the transition table.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import {
  flowHistory,
  hotSetup,
  LEASE_MS,
  readRun,
  replayStateHistory,
  taskHistory,
} from "../../../test/support/state-history.ts";
import { applyReport } from "../apply-report.ts";
import { cancelFlowRun } from "../cancel-flow-run.ts";
import {
  claimFlowRuns,
  claimFlowRunsWithinLimits,
  reapExpiredLeases,
  releaseRuns,
  renewLeases,
  retryFlowRun,
  shortenLeases,
} from "./index.ts";

const test = freshDatabase();
const iso = () => new Date().toISOString();

/** Sets a run's lease to end `ms` from the database's now (negative: already ended). */
async function leaseEndsIn(id: string, ms: number) {
  await test.db.$executeRaw`UPDATE "FlowRun"
    SET "leaseExpiresAt" = now() + ${ms}::float8 * interval '1 millisecond' WHERE id = ${id}::uuid`;
}

async function claimOne(s: Awaited<ReturnType<typeof hotSetup>>) {
  const id = await s.newRun();
  const rows = await claimFlowRuns(test.db, s.claim);
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`run ${id} was not claimed (claimed: ${rows.map((r) => r.id)})`);
  return { id, leaseId: row.leaseId, seq: 0 };
}

function report(held: { id: string; leaseId: string; seq: number }, events: ReportEvent[]) {
  return applyReport(
    test.db,
    held.id,
    { leaseId: held.leaseId, seq: ++held.seq, events, logs: [] },
    { leaseMs: LEASE_MS },
  );
}

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

describe("re-attaching after a silence (the re-attach grace)", () => {
  const GRACE = { reattachGraceMs: 60_000 };

  async function logLines(flowRunId: string) {
    const chunks = await test.db.logChunk.findMany({
      where: { flowRunId },
      orderBy: { firstLine: "asc" },
    });
    return chunks.flatMap((c) => (c.messages as string[]).map((m) => `${c.attempt}:${m}`));
  }

  it("flags a silent agent's run unreachable without a state change; a renewal re-attaches it", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await report(held, [{ type: "flow", state: "Running", at: iso() }]);
    await leaseEndsIn(held.id, -1);
    const historyBefore = await flowHistory(test.db, held.id);

    const reaped = await reapExpiredLeases(test.db, GRACE);
    expect(reaped.unreachable).toContain(held.id);
    expect(reaped.crashed).not.toContain(held.id);
    const flagged = await readRun(test.db, held.id);
    expect(flagged).toMatchObject({ state: "Running", leaseId: held.leaseId, agentId: s.agentId });
    expect(flagged.unreachableSince).toBeInstanceOf(Date);
    expect(flagged.stateMessage).toMatch(/stopped answering; waiting for it to come back/);
    expect(await flowHistory(test.db, held.id)).toEqual(historyBefore);
    // Flagged once: the next pass leaves it alone.
    expect((await reapExpiredLeases(test.db, GRACE)).unreachable).not.toContain(held.id);

    const renewed = await renewLeases(test.db, {
      agentId: s.agentId,
      runIds: [held.id],
      leaseMs: LEASE_MS,
    });
    expect(renewed).toEqual([{ id: held.id, state: "Running", reattached: true }]);
    const back = await readRun(test.db, held.id);
    expect(back).toMatchObject({ state: "Running", unreachableSince: null, stateMessage: null });
    expect(back.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("a report batch re-attaches too, and the run completes under its first lease", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await report(held, [{ type: "flow", state: "Running", at: iso() }]);
    await leaseEndsIn(held.id, -1);
    expect((await reapExpiredLeases(test.db, GRACE)).unreachable).toContain(held.id);
    await report(held, [
      { type: "log", task: "extract", attempt: 1, level: "info", message: "buffered", at: iso() },
    ]);
    expect(await readRun(test.db, held.id)).toMatchObject({
      state: "Running",
      unreachableSince: null,
      stateMessage: null,
    });
    expect(await logLines(held.id)).toEqual(["1:buffered"]);
  });

  it("crashes the run once the grace has passed, keeping the lease for the late agent's lines", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await report(held, [{ type: "flow", state: "Running", at: iso() }]);
    await leaseEndsIn(held.id, -1);
    await reapExpiredLeases(test.db, GRACE);
    // The lease ended longer ago than the grace.
    await leaseEndsIn(held.id, -GRACE.reattachGraceMs - 1);
    const reaped = await reapExpiredLeases(test.db, GRACE);
    expect(reaped.crashed).toContain(held.id);
    expect(await readRun(test.db, held.id)).toMatchObject({
      state: "Crashed",
      unreachableSince: null,
    });
    const superseded = await test.db.supersededLease.findUniqueOrThrow({
      where: { leaseId: held.leaseId },
    });
    expect(superseded).toMatchObject({ flowRunId: held.id, reportSeq: 1 });
    // Too late to renew.
    expect(
      await renewLeases(test.db, { agentId: s.agentId, runIds: [held.id], leaseMs: LEASE_MS }),
    ).toEqual([]);
  });

  it("takes a run with flow-level retries left over at once, and stores the late agent's lines once", async () => {
    const s = await hotSetup(test.db, { retries: 1 });
    const held = await claimOne(s);
    await report(held, [
      { type: "flow", state: "Running", at: iso() },
      { type: "task", task: "extract", state: "Running", attempt: 1, at: iso() },
      { type: "log", task: "extract", attempt: 1, level: "info", message: "line 1", at: iso() },
    ]);
    await leaseEndsIn(held.id, -1);
    const reaped = await test.db.$transaction(async (tx) => {
      const r = await reapExpiredLeases(tx, GRACE);
      for (const id of r.crashed) await retryFlowRun(tx, id);
      return r;
    });
    expect(reaped.unreachable).not.toContain(held.id);
    expect(reaped.crashed).toContain(held.id);
    expect(await readRun(test.db, held.id)).toMatchObject({ state: "Scheduled", attempt: 2 });

    // The late agent comes back with what it buffered: refused, but its lines are kept — once.
    const late = { id: held.id, leaseId: held.leaseId, seq: held.seq };
    const batch = [
      { type: "log", task: "extract", attempt: 1, level: "info", message: "line 2", at: iso() },
      { type: "task", task: "extract", state: "Completed", attempt: 1, at: iso(), result: 1 },
    ] satisfies ReportEvent[];
    await expect(report(late, batch)).rejects.toMatchObject({
      code: "lease_lost",
      details: { lateLogsStored: true },
    });
    late.seq--; // the same batch again (its answer was lost)
    await expect(report(late, batch)).rejects.toMatchObject({ code: "lease_lost" });
    await expect(
      report(late, [
        { type: "log", task: "extract", attempt: 1, level: "info", message: "line 3", at: iso() },
      ]),
    ).rejects.toMatchObject({ code: "lease_lost" });
    expect(await logLines(held.id)).toEqual(["1:line 1", "1:line 2", "1:line 3"]);
    // Nothing else of the late batch counted.
    const run = await readRun(test.db, held.id);
    expect(run).toMatchObject({ state: "Scheduled", logLines: 3 });
    expect(run.tasks.extract).toBe("Pending");

    // A lease that was never this run's stores nothing.
    await expect(
      report({ id: held.id, leaseId: crypto.randomUUID(), seq: 5 }, batch),
    ).rejects.toMatchObject({ code: "lease_lost", details: { state: "Scheduled" } });
    expect(await logLines(held.id)).toHaveLength(3);
  });

  it("gives a dead agent's runs no grace: a broken connection crashes them within seconds", async () => {
    const s = await hotSetup(test.db);
    const held = await claimOne(s);
    await shortenLeases(test.db, { agentId: s.agentId, withinMs: 0, ...GRACE });
    const reaped = await reapExpiredLeases(test.db, GRACE);
    expect(reaped.crashed).toContain(held.id);
    expect(reaped.unreachable).not.toContain(held.id);
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

describe("every state-history row these statements wrote", () => {
  it("replays against the transition table", async () => {
    const replay = await replayStateHistory(test.db);
    expect(replay.problems).toEqual([]);
    expect(replay.flowRows).toBeGreaterThan(40);
    expect(replay.taskRows).toBeGreaterThan(15);
  });
});
