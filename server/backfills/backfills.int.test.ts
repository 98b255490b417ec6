// Backfills against a real database (PGlite and PostgreSQL): the controller keeps at most
// maxInFlight runs unfinished while runs end through the state machine, creates each slot's run
// once (also with two controllers racing, as two replicas would), completes, and stops on
// cancel; bad input is refused with the field named.
import { describe, expect, it } from "vitest";
import { BackfillInputSchema, type BackfillInput } from "../../contract/backfills.ts";
import { UNFINISHED_FLOW_RUN_STATES, type FlowRunState } from "../../contract/run-states.ts";
import { ScheduleInputSchema } from "../../contract/schedules.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { PATH_TO, seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { transitionFlowRun } from "../runs/state-machine/index.ts";
import { createSchedule } from "../schedules/save-schedule.ts";
import { cancelBackfill, createBackfill } from "./create-backfill.ts";
import { getBackfill, listBackfills } from "./get-backfill.ts";
import { planBackfill } from "./plan-backfill.ts";
import { topUpBackfill } from "./top-up-backfill.ts";
import { publish, waitFor } from "../events/bus.ts";
import { startBackfillController } from "../services/backfill-controller.ts";

const test = freshDatabase();
const T0 = new Date("2026-11-01T00:00:00.000Z");
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);
const input = (spec: Record<string, unknown>): BackfillInput => BackfillInputSchema.parse(spec);

async function hourly(parameters: Record<string, unknown> = { region: "eu" }) {
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("bf"),
      parameters: {
        type: "object",
        properties: { region: { type: "string" }, n: { type: "integer", default: 1 } },
        required: ["region"],
      },
      tasks: [{ name: "a", language: "shell", code: "true" }],
    },
    uniqueName("q"),
  );
  const schedule = await createSchedule(
    test.db,
    deploymentId,
    ScheduleInputSchema.parse({ interval: "1h", parameters }),
  );
  return { deploymentId, scheduleId: schedule.id };
}

const unfinished = (backfillId: string) =>
  test.db.flowRun.findMany({
    where: { backfillId, state: { in: [...UNFINISHED_FLOW_RUN_STATES] } },
    orderBy: { backfillSlot: "asc" },
    select: { id: true, state: true },
  });

/** Takes a Scheduled run to `state` through the state machine, as an agent would. */
async function finish(id: string, state: FlowRunState) {
  let from: FlowRunState = "Scheduled";
  for (const to of PATH_TO[state]) {
    await transitionFlowRun(test.db, { id, from: [from], to });
    from = to;
  }
}

async function expectBadRequest(promise: Promise<unknown>, field: string, text: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; details?: { field?: string } },
  );
  expect(error, "the call was refused").not.toBeNull();
  expect(error!.details?.field).toBe(field);
  expect(error!.message).toMatch(text);
}

describe("backfills", () => {
  it("runs 24 hourly slots, never more than 3 unfinished, each slot once, then completes", async () => {
    const { deploymentId, scheduleId } = await hourly();
    const created = await createBackfill(
      test.db,
      deploymentId,
      input({ scheduleId, from: T0.toISOString(), to: hours(23).toISOString(), maxInFlight: 3 }),
    );
    expect(created).toMatchObject({ total: 24, state: "Running", counts: { notCreated: 21 } });
    let ended = 0;
    for (;;) {
      const open = await unfinished(created.id);
      expect(open.length).toBeLessThanOrEqual(3);
      if (!open.length) break;
      // Every third run fails: a failed run frees its place like any other.
      await finish(open[0]!.id, ended % 3 === 2 ? "Failed" : "Completed");
      ended++;
      await topUpBackfill(test.db, created.id);
    }
    const done = await getBackfill(test.db, created.id);
    expect(done.state).toBe("Completed");
    expect(done.endedAt).not.toBeNull();
    expect(done.counts.byState).toMatchObject({ Completed: 16, Failed: 8 });
    expect(done.runs.map((r) => r.slot)).toEqual([...Array(24).keys()]);
    expect(done.runs.map((r) => r.scheduledAt)).toEqual(
      [...Array(24).keys()].map((h) => hours(h).toISOString()),
    );
    const rows = await test.db.flowRun.findMany({
      where: { backfillId: created.id },
      select: { scheduleId: true, parameters: true },
    });
    // Not the schedule's own runs (its unique slot index stays free), with its parameters.
    expect(rows.every((r) => r.scheduleId === null)).toBe(true);
    expect(rows[0]!.parameters).toEqual({ region: "eu", n: 1 });
  });

  it("the controller creates the next run when a run of the backfill ends (the run-ended event)", async () => {
    const { deploymentId, scheduleId } = await hourly();
    const { id } = await createBackfill(
      test.db,
      deploymentId,
      input({ scheduleId, from: T0.toISOString(), to: hours(1).toISOString(), maxInFlight: 1 }),
    );
    const controller = startBackfillController(test.handle);
    try {
      const [first] = await unfinished(id);
      const queue = (
        await test.db.flowRun.findUniqueOrThrow({
          where: { id: first!.id },
          select: { workQueue: { select: { name: true } } },
        })
      ).workQueue.name;
      // The top-up announces the run it made: awaited, not polled.
      const queued = waitFor("run-queued", (q) => q === queue, { timeoutMs: 10_000 });
      await finish(first!.id, "Completed");
      publish("run-ended", first!.id);
      expect(await queued.promise).toBe(queue);
      const runs = await getBackfill(test.db, id);
      expect(runs.runs.map((r) => [r.slot, r.state])).toEqual([
        [0, "Completed"],
        [1, "Scheduled"],
      ]);
    } finally {
      await controller.stop();
    }
  });

  it("two controllers at once (two replicas) create each slot's run once", async () => {
    const { deploymentId, scheduleId } = await hourly();
    const { id } = await createBackfill(
      test.db,
      deploymentId,
      input({ scheduleId, from: T0.toISOString(), to: hours(9).toISOString(), maxInFlight: 5 }),
    );
    for (const run of await unfinished(id)) await finish(run.id, "Completed");
    const results = await Promise.all(Array.from({ length: 4 }, () => topUpBackfill(test.db, id)));
    expect(results.reduce((n, r) => n + r.createdRuns, 0)).toBe(5);
    const runs = await test.db.flowRun.findMany({ where: { backfillId: id } });
    expect(runs.map((r) => r.backfillSlot).sort((a, b) => a! - b!)).toEqual([...Array(10).keys()]);
    expect(await unfinished(id)).toHaveLength(5);
  });

  it("cancel withdraws the waiting runs, lets running ones finish, and creates no more", async () => {
    const { deploymentId, scheduleId } = await hourly();
    const { id } = await createBackfill(
      test.db,
      deploymentId,
      input({ scheduleId, from: T0.toISOString(), to: hours(9).toISOString(), maxInFlight: 3 }),
    );
    const [running, ...waiting] = await unfinished(id);
    await finish(running!.id, "Running");
    const cancelled = await cancelBackfill(test.db, id);
    expect(cancelled).toMatchObject({ state: "Cancelled", counts: { active: 1, notCreated: 7 } });
    const states = await test.db.flowRun.findMany({
      where: { id: { in: waiting.map((r) => r.id) } },
      select: { state: true },
    });
    expect(states.map((s) => s.state)).toEqual(["Cancelled", "Cancelled"]);
    await transitionFlowRun(test.db, { id: running!.id, from: ["Running"], to: "Completed" });
    expect((await topUpBackfill(test.db, id)).createdRuns).toBe(0);
    expect(await test.db.flowRun.count({ where: { backfillId: id } })).toBe(3);
    // A second cancel changes nothing; the list shows it with its counts.
    expect((await cancelBackfill(test.db, id)).state).toBe("Cancelled");
    const [listed] = await listBackfills(test.db, { deploymentId });
    expect(listed).toMatchObject({ id, counts: { byState: { Completed: 1, Cancelled: 2 } } });
  });

  it("runs a list of parameter sets, each checked with the deployment's defaults", async () => {
    const { deploymentId } = await hourly();
    const sets = [{ region: "eu" }, { region: "us", n: 2 }, { region: "ap" }];
    const { id } = await createBackfill(
      test.db,
      deploymentId,
      input({ parameterSets: sets, maxInFlight: 2 }),
    );
    const runs = await test.db.flowRun.findMany({
      where: { backfillId: id },
      orderBy: { backfillSlot: "asc" },
    });
    expect(runs.map((r) => r.parameters)).toEqual([
      { region: "eu", n: 1 },
      { region: "us", n: 2 },
    ]);
    expect(Math.abs(runs[0]!.scheduledAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("refuses bad input, naming the field", async () => {
    const { deploymentId, scheduleId } = await hourly();
    const other = await hourly();
    const range = { from: T0.toISOString(), to: hours(5).toISOString() };
    const backwards = BackfillInputSchema.safeParse({
      scheduleId,
      from: hours(5).toISOString(),
      to: T0.toISOString(),
    });
    expect(backwards.error?.issues[0]).toMatchObject({ path: ["to"] });
    expect(backwards.error?.issues[0]?.message).toMatch(/before "from".*swap/);
    const noSchedule = BackfillInputSchema.safeParse(range);
    expect(noSchedule.error?.issues[0]).toMatchObject({ path: ["scheduleId"] });

    await expectBadRequest(
      planBackfill(test.db, deploymentId, input({ scheduleId: other.scheduleId, ...range })),
      "scheduleId",
      new RegExp(`is not a schedule of deployment .*its schedules are ${scheduleId}`),
    );
    const year = { from: T0.toISOString(), to: hours(24 * 366 * 2).toISOString() };
    await expectBadRequest(
      planBackfill(test.db, deploymentId, input({ scheduleId, ...year })),
      "to",
      /about 17,569 slots .*more than the 10,000/,
    );
    await expectBadRequest(
      planBackfill(
        test.db,
        deploymentId,
        input({ parameterSets: [{ region: "eu" }, { region: "us", n: "two" }] }),
      ),
      "parameterSets[1]",
      /parameterSets\[1\].*n/,
    );
    await expectBadRequest(
      planBackfill(
        test.db,
        deploymentId,
        input({ scheduleId, from: "2026-11-01T00:10:00Z", to: "2026-11-01T00:50:00Z" }),
      ),
      "from",
      /no slot/,
    );
    expect(await test.db.backfill.count({ where: { deploymentId } })).toBe(0);
  });
});
