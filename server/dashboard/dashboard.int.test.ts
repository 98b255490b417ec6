import { describe, expect, it } from "vitest";
import type { FlowRunState } from "../../contract/run-states.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedRunIn, threeTasks, uniqueName } from "../../test/support/seed.ts";
import { lastRunPerDeployment } from "../deployments/last-runs.ts";
import { transitionTaskRuns } from "../runs/state-machine/index.ts";
import { lateRuns } from "./late-runs.ts";
import { errorLine, recentFailures } from "./recent-failures.ts";
import { runsByHour } from "./runs-by-hour.ts";
import { slowestFlows } from "./slowest-flows.ts";

const test = freshDatabase();
const LATE_AFTER_MS = 15_000;
const HOUR = 3_600_000;

const run = (
  deploymentId: string,
  state: FlowRunState,
  scheduledAt: Date,
  options: { message?: string; ranMs?: number } = {},
) => seedRunIn(test.db, deploymentId, state, { scheduledAt, ...options });

describe("the home dashboard", () => {
  it("shows recent failures with the failing task and the first line of its error", async () => {
    const { deploymentId } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const now = Date.now();
    const failed = await run(deploymentId, "Failed", new Date(now - HOUR));
    // extract fails for good; report and notify never ran (NotRun names the upstream).
    await transitionTaskRuns(test.db, {
      flowRunId: failed,
      names: ["extract"],
      from: ["Pending"],
      to: "Running",
    });
    await transitionTaskRuns(test.db, {
      flowRunId: failed,
      names: ["extract"],
      from: ["Running"],
      to: "Failed",
      set: {
        error: {
          type: "ValueError",
          message: "bad row 12\nsecond line",
          traceback: "Traceback…",
        },
      },
    });
    await transitionTaskRuns(test.db, {
      flowRunId: failed,
      names: ["report", "notify"],
      from: ["Pending"],
      to: "NotRun",
      set: { error: { type: "UpstreamFailed", message: "extract failed", upstream: "extract" } },
    });
    const crashed = await run(deploymentId, "Crashed", new Date(now - HOUR / 2), {
      message: "The agent stopped answering (lease expired)",
    });

    const failures = await recentFailures(test.db, { lateAfterMs: LATE_AFTER_MS });
    expect(failures.map((f) => [f.run.id, f.run.state, f.task, f.error])).toEqual([
      [crashed, "Crashed", null, "The agent stopped answering (lease expired)"],
      [failed, "Failed", "extract", "ValueError: bad row 12"],
    ]);
    expect(errorLine({ type: "Error", message: "Error: boom" })).toBe("Error: boom");
  });

  it("counts and lists late runs, and charts the last 24 hours by hour and shown state", async () => {
    const { deploymentId } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const now = new Date();
    const late = await run(deploymentId, "Scheduled", new Date(now.getTime() - 5 * 60_000));
    const before = await lateRuns(test.db, { lateAfterMs: LATE_AFTER_MS, now });
    expect(before.runs.map((r) => r.id)).toContain(late);
    expect(before.count).toBeGreaterThanOrEqual(1);
    await run(deploymentId, "Scheduled", new Date(now.getTime() - 6 * 60_000));
    const after = await lateRuns(test.db, { lateAfterMs: LATE_AFTER_MS, now });
    expect(after.count).toBe(before.count + 1);

    const hours = await runsByHour(test.db, { lateAfterMs: LATE_AFTER_MS, now });
    expect(hours).toHaveLength(24);
    expect(Date.parse(hours[23]!.end)).toBeGreaterThan(now.getTime());
    const total = (state: string) =>
      hours.reduce((sum, h) => sum + (h.counts[state as "Late"] ?? 0), 0);
    // Everything this file made so far lies in the last two hours.
    expect(total("Late")).toBe(after.count);
    expect(total("Failed")).toBe(1);
    expect(total("Crashed")).toBe(1);
    const hourOf = (at: number) =>
      hours.findIndex((h) => Date.parse(h.start) <= at && at < Date.parse(h.end));
    expect(hours[hourOf(now.getTime() - 5 * 60_000)]!.counts.Late).toBeGreaterThanOrEqual(1);
  });

  it("ranks flows by their median completed duration over the last days", async () => {
    const quick = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const slow = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const now = Date.now();
    for (const ms of [1_000, 2_000, 30_000]) {
      await run(quick.deploymentId, "Completed", new Date(now - 2 * HOUR), { ranMs: ms });
    }
    for (const ms of [60_000, 120_000]) {
      await run(slow.deploymentId, "Completed", new Date(now - 3 * HOUR), { ranMs: ms });
    }
    // Too old to count.
    await run(slow.deploymentId, "Completed", new Date(now - 9 * 24 * HOUR), { ranMs: 999_000 });

    const ranked = await slowestFlows(test.db, { days: 7 });
    expect(ranked.slice(0, 2)).toEqual([
      { flow: slow.flow.name, runs: 2, p50Ms: 90_000, maxMs: 120_000 },
      { flow: quick.flow.name, runs: 3, p50Ms: 2_000, maxMs: 30_000 },
    ]);

    const last = await lastRunPerDeployment(test.db, { lateAfterMs: LATE_AFTER_MS });
    const newest = await test.db.flowRun.findFirstOrThrow({
      where: { deploymentId: quick.deploymentId },
      orderBy: [{ scheduledAt: "desc" }, { id: "desc" }],
    });
    expect(last[quick.deploymentId]).toMatchObject({ id: newest.id, state: "Completed" });
    // A run schedules made for later is not the last run.
    await run(quick.deploymentId, "Scheduled", new Date(now + HOUR));
    expect(
      (await lastRunPerDeployment(test.db, { lateAfterMs: LATE_AFTER_MS }))[quick.deploymentId]?.id,
    ).toBe(newest.id);
  });
});
