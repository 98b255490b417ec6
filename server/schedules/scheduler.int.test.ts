// The scheduler's steps against a real database (PGlite and PostgreSQL): each slot's run is
// created exactly once — also by two steps racing, as two replicas would —, on its slot, with
// the schedule's parameters; downtime is caught up by the deployment's policy; changing or
// pausing a schedule withdraws the runs it created ahead of time.
import { describe, expect, it } from "vitest";
import { ScheduleInputSchema, type ScheduleInput } from "../../contract/schedules.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  setScheduleActive,
  updateSchedule,
} from "./save-schedule.ts";
import { scheduleDueRuns } from "./schedule-due-runs.ts";

const test = freshDatabase();
const T0 = new Date("2026-11-30T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const input = (spec: Record<string, unknown>): ScheduleInput => ScheduleInputSchema.parse(spec);

async function deployment(parameters?: Record<string, unknown>) {
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("sched"),
      parameters: {
        type: "object",
        properties: { region: { type: "string" } },
        required: ["region"],
      },
      tasks: [{ name: "a", language: "shell", code: "true" }],
    },
    uniqueName("q"),
  );
  if (parameters) {
    await test.db.deployment.update({ where: { id: deploymentId }, data: parameters });
  }
  return deploymentId;
}

const runsOf = (scheduleId: string) =>
  test.db.flowRun.findMany({
    where: { scheduleId },
    orderBy: { scheduledAt: "asc" },
    select: { scheduledAt: true, state: true, parameters: true },
  });
const slots = async (scheduleId: string, state?: string) =>
  (await runsOf(scheduleId))
    .filter((r) => !state || r.state === state)
    .map((r) => (r.scheduledAt.getTime() - T0.getTime()) / 1000);

describe("the scheduler", () => {
  it("creates each slot's run once, with the schedule's parameters, at most 10 waiting", async () => {
    const id = await deployment();
    const schedule = await createSchedule(
      test.db,
      id,
      input({ interval: "2s", parameters: { region: "eu" } }),
      { now: T0 },
    );
    await scheduleDueRuns(test.db, T0);
    expect(await slots(schedule.id)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    // Nothing new until the first slot comes; then one more each slot.
    await scheduleDueRuns(test.db, at(1));
    expect(await slots(schedule.id)).toHaveLength(10);
    await scheduleDueRuns(test.db, at(2));
    await scheduleDueRuns(test.db, at(4));
    expect((await slots(schedule.id)).slice(-2)).toEqual([22, 24]);
    const runs = await runsOf(schedule.id);
    expect(runs.every((r) => r.state === "Scheduled")).toBe(true);
    expect(runs[0]!.parameters).toEqual({ region: "eu" });
  });

  it("two steps racing (two replicas) create each slot once", async () => {
    const id = await deployment();
    const schedules = await Promise.all(
      Array.from({ length: 5 }, () =>
        createSchedule(test.db, id, input({ interval: "1s", parameters: { region: "x" } }), {
          now: T0,
        }),
      ),
    );
    for (let s = 1; s <= 30; s++) {
      await Promise.all([scheduleDueRuns(test.db, at(s)), scheduleDueRuns(test.db, at(s))]);
    }
    for (const schedule of schedules) {
      const got = await slots(schedule.id);
      expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    }
  });

  it.each([
    ["skip", 1, []],
    ["latest", 1, [3600]],
    ["all", 3, [1800, 2700, 3600]],
  ] as const)(
    "after downtime, catch-up %s creates the missed slots %j",
    async (catchup, catchupMax, missed) => {
      const id = await deployment({ catchup, catchupMax });
      const schedule = await createSchedule(
        test.db,
        id,
        input({ cron: "*/15 * * * *", parameters: { region: "eu" } }),
        { now: T0 },
      );
      await scheduleDueRuns(test.db, T0);
      expect(await slots(schedule.id)).toEqual([]);
      // The server was down from 10:00 to 11:02: the slots 10:15 … 11:00 were missed.
      await scheduleDueRuns(test.db, at(3720));
      expect(await slots(schedule.id)).toEqual(missed);
    },
  );

  it("changing, pausing and removing a schedule withdraws its waiting runs; resuming starts from now", async () => {
    const id = await deployment({ parameters: { region: "us" } });
    const schedule = await createSchedule(test.db, id, input({ interval: "10s" }), { now: T0 });
    await scheduleDueRuns(test.db, T0);
    expect(await slots(schedule.id)).toHaveLength(10);

    await updateSchedule(test.db, schedule.id, input({ interval: "20s" }), { now: at(5) });
    expect(await slots(schedule.id)).toEqual([]);
    const withdrawn = { deploymentId: id, state: "Cancelled" as const, scheduleId: null };
    expect(await test.db.flowRun.count({ where: withdrawn })).toBe(10);
    await scheduleDueRuns(test.db, at(5));
    expect(await slots(schedule.id, "Scheduled")).toEqual([
      20, 40, 60, 80, 100, 120, 140, 160, 180, 200,
    ]);

    await setScheduleActive(test.db, schedule.id, false, { now: at(25) });
    expect(await slots(schedule.id, "Scheduled")).toEqual([20]);
    await scheduleDueRuns(test.db, at(600));
    expect(await slots(schedule.id, "Scheduled")).toEqual([20]);
    const [paused] = await listSchedules(test.db, id);
    expect(paused).toMatchObject({ active: false, nextRunAt: null, description: "every 20s" });

    // Resumed at 10:10:00: no catch-up of the paused time.
    await setScheduleActive(test.db, schedule.id, true, { now: at(600) });
    await scheduleDueRuns(test.db, at(600));
    expect((await slots(schedule.id, "Scheduled")).slice(0, 3)).toEqual([20, 620, 640]);

    await deleteSchedule(test.db, schedule.id, { now: at(600) });
    expect(await test.db.schedule.count({ where: { id: schedule.id } })).toBe(0);
    expect(
      await test.db.flowRun.count({
        where: { deploymentId: id, state: "Scheduled", scheduledAt: { gt: at(600) } },
      }),
    ).toBe(0);
  });

  it("refuses a schedule whose runs would miss a required parameter, or of an unknown deployment", async () => {
    const id = await deployment();
    await expect(
      createSchedule(test.db, id, input({ cron: "0 * * * *" }), { now: T0 }),
    ).rejects.toThrow(/region/);
    await expect(
      createSchedule(
        test.db,
        "7f1c2c3e-0000-4000-8000-000000000000",
        input({ cron: "0 * * * *" }),
        { now: T0 },
      ),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      createSchedule(test.db, id, input({ cron: "0 25 * * *", parameters: { region: "eu" } }), {
        now: T0,
      }),
    ).rejects.toThrow('schedule.cron: "0 25 * * *" is not a valid cron expression');
  });
});
