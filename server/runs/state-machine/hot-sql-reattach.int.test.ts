// The re-attach grace on a real database (int-pglite and int-postgres): a run whose agent fell
// silent is flagged unreachable rather than crashed, a renewal or a report batch re-attaches it,
// and once the grace has passed it crashes, its lease kept so that the late agent's lines are
// stored once. The last test replays every state-history row these statements wrote against the
// transition table.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { heldRuns } from "../../../test/support/held-runs.ts";
import {
  describeHistoryReplay,
  flowHistory,
  hotSetup,
  LEASE_MS,
  readRun,
} from "../../../test/support/state-history.ts";
import { reapExpiredLeases, renewLeases, retryFlowRun, shortenLeases } from "./index.ts";

const test = freshDatabase();
const { claimOne, leaseEndsIn, report } = heldRuns(test);
const iso = () => new Date().toISOString();

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

describeHistoryReplay(test, { flowRows: 15, taskRows: 5 });
