// What watches runs' ends, remembered (run-end-watchers.ts), against a real database (PGlite and
// PostgreSQL): the answer is remembered until a change is announced; saving a trigger, a rule or
// a backfill announces it, so the next run's end sees it at once — not after the time-to-live —
// and turning one off is seen too.
import { describe, expect, it } from "vitest";
import { BackfillInputSchema } from "../../contract/backfills.ts";
import { NotificationRuleInputSchema } from "../../contract/notifications.ts";
import { ScheduleInputSchema } from "../../contract/schedules.ts";
import { TriggerInputSchema } from "../../contract/triggers.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createBackfill } from "../backfills/create-backfill.ts";
import { createRule, updateRule } from "../notifications/save-rule.ts";
import { createSchedule } from "../schedules/save-schedule.ts";
import { createTrigger, updateTrigger } from "../triggers/save-trigger.ts";
import { runEndWatchers, runEndWatchersChanged } from "./run-end-watchers.ts";

const test = freshDatabase();

const deployment = async () =>
  (
    await seedDeployment(
      test.db,
      { name: uniqueName("w"), tasks: [{ name: "a", language: "shell", code: "true" }] },
      uniqueName("q"),
    )
  ).deploymentId;

describe("run-end watchers", () => {
  it("are none at first, and each kind is seen as soon as it is saved or turned off", async () => {
    const none = { triggers: false, rules: false, backfills: false };
    const [a, b] = [await deployment(), await deployment()];
    expect(await runEndWatchers(test.db)).toEqual(none);
    // Asked again within the time-to-live: the remembered answer, until a change is announced.
    const unannounced = await test.db.notificationRule.create({
      data: { name: uniqueName("r"), events: ["failed"], url: "http://127.0.0.1:9/" },
    });
    expect(await runEndWatchers(test.db)).toEqual(none);
    runEndWatchersChanged();
    expect(await runEndWatchers(test.db)).toEqual({ ...none, rules: true });
    await test.db.notificationRule.delete({ where: { id: unannounced.id } });
    runEndWatchersChanged();
    expect(await runEndWatchers(test.db)).toEqual(none);

    const { trigger } = await createTrigger(
      test.db,
      b,
      TriggerInputSchema.parse({
        name: uniqueName("t"),
        kind: "runCompletion",
        sourceDeploymentId: a,
      }),
    );
    expect(await runEndWatchers(test.db)).toEqual({ ...none, triggers: true });
    await updateTrigger(test.db, trigger.id, { active: false });
    expect(await runEndWatchers(test.db)).toEqual(none);

    const rule = await createRule(
      test.db,
      NotificationRuleInputSchema.parse({
        name: uniqueName("r"),
        deploymentId: a,
        events: ["failed"],
        url: "http://127.0.0.1:9/hook",
      }),
    );
    expect(await runEndWatchers(test.db)).toEqual({ ...none, rules: true });
    await updateRule(test.db, rule.id, { active: false });
    expect(await runEndWatchers(test.db)).toEqual(none);

    const schedule = await createSchedule(
      test.db,
      a,
      ScheduleInputSchema.parse({ interval: "1h" }),
    );
    await createBackfill(
      test.db,
      a,
      BackfillInputSchema.parse({
        scheduleId: schedule.id,
        from: "2026-11-01T00:00:00.000Z",
        to: "2026-11-01T05:00:00.000Z",
      }),
    );
    expect(await runEndWatchers(test.db)).toEqual({ ...none, backfills: true });
  });
});
