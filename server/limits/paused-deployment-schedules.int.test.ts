// A paused deployment's schedules create no runs; resumed, they go on from the next slot (the
// slots that passed while it was paused are not caught up).
import { describe, expect, it } from "vitest";
import { ScheduleInputSchema } from "../../contract/schedules.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { SYSTEM_ACTOR } from "../audit/actor.ts";
import { setDeploymentPaused } from "../deployments/deployment-settings.ts";
import { createSchedule } from "../schedules/save-schedule.ts";
import { scheduleDueRuns } from "../schedules/schedule-due-runs.ts";

const test = freshDatabase();
const T0 = new Date("2026-11-30T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("pausing a deployment", () => {
  it("stops its schedules from creating runs until it is resumed", async () => {
    const { deploymentId } = await seedDeployment(test.db, undefined, uniqueName("q"));
    await setDeploymentPaused(test.db, deploymentId, true, SYSTEM_ACTOR);
    const schedule = await createSchedule(
      test.db,
      deploymentId,
      ScheduleInputSchema.parse({ interval: "2s" }),
      { now: T0 },
    );
    await scheduleDueRuns(test.db, T0);
    await scheduleDueRuns(test.db, at(30));
    const count = () => test.db.flowRun.count({ where: { scheduleId: schedule.id } });
    expect(await count()).toBe(0);

    await setDeploymentPaused(test.db, deploymentId, false, SYSTEM_ACTOR);
    await scheduleDueRuns(test.db, at(33));
    const runs = await test.db.flowRun.findMany({
      where: { scheduleId: schedule.id },
      orderBy: { scheduledAt: "asc" },
      select: { scheduledAt: true },
    });
    // Nothing for the paused time, and every slot from the last paused step on.
    expect(runs.map((r) => (r.scheduledAt.getTime() - T0.getTime()) / 1000)).toEqual([
      32, 34, 36, 38, 40, 42, 44, 46, 48, 50,
    ]);
  });
});
