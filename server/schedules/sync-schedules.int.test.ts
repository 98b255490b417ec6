// Declared schedules (a deployment file) against a real database: deploying the same list twice
// changes nothing; a changed list keeps the schedules that match, follows their on/off state,
// removes the others (withdrawing their waiting runs) and adds the new ones; a bad one changes
// nothing and names which it is.
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createDeployment } from "../deployments/create-deployment.ts";
import { scheduleDueRuns } from "./schedule-due-runs.ts";

const test = freshDatabase();

describe("declared schedules", () => {
  it("makes a deployment's schedules exactly the declared ones, keeping those that match", async () => {
    const queue = uniqueName("q");
    const { flow } = await seedDeployment(test.db, undefined, queue);
    const declare = (schedules: Record<string, unknown>[]) =>
      createDeployment(test.db, {
        flow: flow.name,
        name: "filed",
        workQueue: queue,
        schedules: schedules as never,
      });
    const list = (deploymentId: string) =>
      test.db.schedule.findMany({ where: { deploymentId }, orderBy: { createdAt: "asc" } });

    const { id } = await declare([
      { cron: "0 6 * * *", timezone: "Europe/Paris" },
      { interval: "1m", parameters: { label: "eu" } },
    ]);
    const first = await list(id);
    expect(first.map((s) => s.cron ?? s.interval)).toEqual(["0 6 * * *", "1m"]);
    await declare([
      { cron: "0 6 * * *", timezone: "Europe/Paris" },
      { interval: "1m", parameters: { label: "eu" } },
    ]);
    expect((await list(id)).map((s) => s.id)).toEqual(first.map((s) => s.id));

    // The interval schedule has runs waiting; dropping it withdraws them. (So does turning the
    // cron schedule off — it has one waiting only when its slot, 05:00 UTC, is near.)
    await scheduleDueRuns(test.db, new Date());
    // Only runs still ahead of their slot are withdrawn: one due before the change below is the
    // scheduler's to start (seen under a loaded CI: a slot passed between here and there). Runs
    // at least 30 s ahead are counted, on both sides.
    const ahead = new Date(Date.now() + 30_000);
    const waitingOf = (scheduleId: string) =>
      test.db.flowRun.count({
        where: { scheduleId, state: "Scheduled", scheduledAt: { gt: ahead } },
      });
    const waiting = await waitingOf(first[1]!.id);
    const waitingCron = await waitingOf(first[0]!.id);
    expect(waiting).toBeGreaterThan(0);
    await declare([
      { cron: "0 6 * * *", timezone: "Europe/Paris", active: false },
      { rrule: "FREQ=DAILY;BYHOUR=7;BYMINUTE=0" },
    ]);
    const after = await list(id);
    expect(after.map((s) => [s.id === first[0]!.id, s.active, s.cron ?? s.rrule])).toEqual([
      [true, false, "0 6 * * *"],
      [false, true, "FREQ=DAILY;BYHOUR=7;BYMINUTE=0"],
    ]);
    const withdrawn = await test.db.flowRun.findMany({
      where: { deploymentId: id, state: "Cancelled", scheduledAt: { gt: ahead } },
      select: { stateMessage: true, scheduleId: true },
    });
    expect(withdrawn).toHaveLength(waiting + waitingCron);
    expect(withdrawn.filter((r) => r.scheduleId === null)).toHaveLength(waiting);
    expect(withdrawn.filter((r) => r.scheduleId === first[0]!.id)).toHaveLength(waitingCron);

    // A bad schedule changes nothing, and says which one it is.
    await expect(declare([{ cron: "0 25 * * *" }])).rejects.toThrow(
      /^schedules\[0\]: schedule\.cron/,
    );
    expect((await list(id)).map((s) => s.id)).toEqual(after.map((s) => s.id));
  });
});
