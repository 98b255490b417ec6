// Overlap policies against a real database (PGlite and PostgreSQL), through the real claim: a
// deployment's scheduled runs that overlap an earlier one are held back, then skipped, buffered
// (one) or allowed to cancel the earlier run. The schedule's slots lie in the past, so every
// run the scheduler creates is due at once — the catch-up case, where only the rule keeps two of
// them from starting together.
import { describe, expect, it } from "vitest";
import type { OverlapPolicy } from "../../contract/schedules.ts";
import { ScheduleInputSchema } from "../../contract/schedules.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { confirmCancelled, executeClaimed } from "../../test/support/simulated-agent.ts";
import { claimRuns } from "../agents/claim-runs.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { resolveOverlaps } from "./resolve-overlaps.ts";
import { createSchedule } from "./save-schedule.ts";
import { scheduleDueRuns } from "./schedule-due-runs.ts";

const test = freshDatabase();
const T0 = new Date("2026-11-30T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LEASE_MS = 15_000;

/** A deployment on a 2-second schedule whose first runs are all due; and an agent of its queue. */
async function scheduled(overlap: OverlapPolicy) {
  const queue = uniqueName("q");
  const { deploymentId } = await seedDeployment(test.db, undefined, queue);
  await test.db.deployment.update({ where: { id: deploymentId }, data: { overlap } });
  const schedule = await createSchedule(
    test.db,
    deploymentId,
    ScheduleInputSchema.parse({ interval: "2s" }),
    { now: at(0) },
  );
  await scheduleDueRuns(test.db, at(0));
  const agent = await registerAgent(
    test.db,
    { name: "a", hostname: "", version: "", queues: [queue], tags: [], concurrency: 10 },
    { leaseMs: LEASE_MS, heartbeatIntervalMs: 5_000, claimWaitMs: 25_000 },
  );
  const claim = () =>
    claimRuns(test.db, { agentId: agent.id, capacity: 10, waitMs: 0, leaseMs: LEASE_MS });
  const runs = async () =>
    (
      await test.db.flowRun.findMany({
        where: { scheduleId: schedule.id },
        orderBy: { scheduledAt: "asc" },
        select: { id: true, state: true, stateMessage: true, scheduledAt: true },
      })
    ).map((r) => ({ ...r, slot: (r.scheduledAt.getTime() - T0.getTime()) / 1000 }));
  return { claim, runs };
}

const slotOf = async (s: Awaited<ReturnType<typeof scheduled>>, runId: string) =>
  (await s.runs()).find((r) => r.id === runId)!.slot;

describe("overlap policies", () => {
  it("allow: every due scheduled run may start at once", async () => {
    const s = await scheduled("allow");
    expect((await s.claim()).length).toBeGreaterThan(1);
  });

  it("skip: only the earliest starts; those due while it runs are skipped, the next one starts after it", async () => {
    const s = await scheduled("skip");
    const [first, ...more] = await s.claim();
    expect(more).toEqual([]);
    const firstSlot = await slotOf(s, first!.flowRunId);
    expect(await resolveOverlaps(test.db, at(firstSlot + 5))).toBe(2);
    const skipped = (await s.runs()).filter((r) => r.state === "Cancelled");
    expect(skipped.map((r) => r.slot)).toEqual([firstSlot + 2, firstSlot + 4]);
    expect(skipped[0]!.stateMessage).toContain("overlap policy skip");
    // Held back while the first runs, even with room to take them all.
    expect(await s.claim()).toEqual([]);
    await executeClaimed(test.db, first!, () => 1);
    const [next, ...others] = await s.claim();
    expect(others).toEqual([]);
    expect(await slotOf(s, next!.flowRunId)).toBe(firstSlot + 6);
  });

  it("bufferOne: one run waits for the earlier one and starts after it; the rest are skipped", async () => {
    const s = await scheduled("bufferOne");
    const [first] = await s.claim();
    const firstSlot = await slotOf(s, first!.flowRunId);
    expect(await resolveOverlaps(test.db, at(firstSlot + 7))).toBe(2);
    const states = (await s.runs()).filter((r) => r.slot <= firstSlot + 6).map((r) => r.state);
    expect(states).toEqual(["Pending", "Scheduled", "Cancelled", "Cancelled"]);
    expect(await s.claim()).toEqual([]);
    await executeClaimed(test.db, first!, () => 1);
    const [buffered] = await s.claim();
    expect(await slotOf(s, buffered!.flowRunId)).toBe(firstSlot + 2);
  });

  it("cancelPrevious: the next slot cancels the running one and starts once it has stopped", async () => {
    const s = await scheduled("cancelPrevious");
    const [first] = await s.claim();
    const firstSlot = await slotOf(s, first!.flowRunId);
    await resolveOverlaps(test.db, at(firstSlot + 5));
    const byslot = new Map((await s.runs()).map((r) => [r.slot, r]));
    expect(byslot.get(firstSlot)).toMatchObject({ state: "Cancelling" });
    expect(byslot.get(firstSlot)!.stateMessage).toContain("overlap policy cancelPrevious");
    expect(byslot.get(firstSlot + 2)).toMatchObject({ state: "Cancelled" });
    expect(byslot.get(firstSlot + 4)).toMatchObject({ state: "Scheduled" });
    // It waits until the cancelled run has really stopped.
    expect(await s.claim()).toEqual([]);
    await confirmCancelled(test.db, first!);
    const [next] = await s.claim();
    expect(await slotOf(s, next!.flowRunId)).toBe(firstSlot + 4);
  });

  it("two agents claiming at the same moment never start two overlapping scheduled runs", async () => {
    const s = await scheduled("bufferOne");
    const claimed = (await Promise.all([s.claim(), s.claim(), s.claim(), s.claim()])).flat();
    expect(claimed).toHaveLength(1);
  });
});
