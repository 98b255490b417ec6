// Completion triggers and the saving of triggers against a real database (PGlite and
// PostgreSQL): a run's end fires each watching trigger exactly once — also with two sweeps and
// an event racing, as replicas would — passing its results as parameters; a mapping that finds
// nothing, or parameters the flow refuses, is kept as a failed firing; cycles are refused.
import { describe, expect, it } from "vitest";
import { TriggerInputSchema } from "../../contract/triggers.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedRunIn, uniqueName } from "../../test/support/seed.ts";
import { fireCompletionTriggers, sweepCompletionTriggers } from "./fire-completion.ts";
import { listFirings } from "./list-firings.ts";
import { createTrigger, listTriggers, updateTrigger } from "./save-trigger.ts";

const test = freshDatabase();

/** A deployment whose run's "extract" task returns {rows: [...], count}. */
async function source() {
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("source"),
      parameters: { type: "object", properties: { region: { type: "string", default: "eu" } } },
      tasks: [{ name: "extract", language: "shell", code: "echo 1" }],
    },
    uniqueName("q"),
  );
  return deploymentId;
}

/** A deployment that needs an integer `count` and takes an optional `region`. */
async function target() {
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("target"),
      parameters: {
        type: "object",
        properties: { count: { type: "integer" }, region: { type: "string" } },
        required: ["count"],
      },
      tasks: [{ name: "load", language: "shell", code: "echo $COUNT" }],
    },
    uniqueName("q"),
  );
  return deploymentId;
}

/** A run of `deploymentId` that ended (a second after `scheduledAt`, by default now + 1 s). */
async function endedRun(
  deploymentId: string,
  state: "Completed" | "Failed",
  result?: unknown,
  scheduledAt?: Date,
) {
  const id = await seedRunIn(test.db, deploymentId, state, { scheduledAt });
  if (result !== undefined) {
    const task = await test.db.taskRun.findFirstOrThrow({ where: { flowRunId: id } });
    await test.db.result.create({ data: { taskRunId: task.id, value: result as object } });
  }
  return id;
}

const completion = (from: string, extra: Record<string, unknown> = {}) =>
  TriggerInputSchema.parse({
    name: uniqueName("t"),
    kind: "runCompletion",
    sourceDeploymentId: from,
    ...extra,
  });

const runsOf = (triggerId: string) =>
  test.db.flowRun.findMany({ where: { triggerId }, select: { id: true, parameters: true } });

describe("completion triggers", () => {
  it("start the deployment once per source run with its results, even when sweeps and the event race", async () => {
    const [a, b] = [await source(), await target()];
    const { trigger } = await createTrigger(
      test.db,
      b,
      completion(a, { map: { count: "extract/count", region: "parameters/region" } }),
    );
    const run = await endedRun(a, "Completed", { rows: [1, 2, 3], count: 3 });
    const fired = await Promise.all([
      sweepCompletionTriggers(test.db),
      sweepCompletionTriggers(test.db),
      fireCompletionTriggers(test.db, run),
    ]);
    expect(fired.flat()).toHaveLength(1);
    const runs = await runsOf(trigger.id);
    expect(runs).toEqual([{ id: fired.flat()[0], parameters: { count: 3, region: "eu" } }]);
    expect(await sweepCompletionTriggers(test.db)).toEqual([]);
    const firings = await listFirings(test.db, trigger.id);
    expect(firings).toMatchObject([{ sourceRunId: run, runId: runs[0]!.id, error: null }]);
    const audit = await test.db.auditEvent.findFirstOrThrow({
      where: { action: "run.create", targetId: runs[0]!.id },
    });
    expect(audit.actorName).toBe(`trigger:${trigger.name}`);
  });

  it("fire only on their states, and never for runs that ended before they existed", async () => {
    const [a, b] = [await source(), await target()];
    const before = await endedRun(a, "Failed", undefined, new Date(Date.now() - 60_000));
    const { trigger } = await createTrigger(
      test.db,
      b,
      completion(a, { states: ["Failed"], map: { count: "parameters/region" } }),
    );
    await endedRun(a, "Completed");
    expect(await fireCompletionTriggers(test.db, before)).toEqual([]);
    expect(await sweepCompletionTriggers(test.db)).toEqual([]);
    expect(await listFirings(test.db, trigger.id)).toEqual([]);
  });

  it("keep a mapping that finds nothing, or a parameter of the wrong type, as a failed firing", async () => {
    const [a, b] = [await source(), await target()];
    const missing = await createTrigger(test.db, b, completion(a, { map: { count: "extract/n" } }));
    const wrongType = await createTrigger(
      test.db,
      b,
      completion(a, { map: { count: "parameters/region" } }),
    );
    const run = await endedRun(a, "Completed", { count: 3 });
    expect(await fireCompletionTriggers(test.db, run)).toEqual([]);
    expect(await listFirings(test.db, missing.trigger.id)).toMatchObject([
      {
        runId: null,
        error:
          'parameter "count": nothing at "/n" in the result of task "extract" of the source run',
      },
    ]);
    const [failed] = await listFirings(test.db, wrongType.trigger.id);
    expect(failed!.error).toContain('parameter "count" must be integer (got string "eu")');
    // Recorded once: a sweep does not try again.
    expect(await sweepCompletionTriggers(test.db)).toEqual([]);
    expect(await listFirings(test.db, wrongType.trigger.id)).toHaveLength(1);
    const [listed] = await listTriggers(test.db, b);
    expect(listed!.lastFiring?.error).toContain("nothing at");
  });

  it("turned off, fire nothing — also not for what ended meanwhile once turned on again", async () => {
    // B needs no parameter: with no map, its runs take its defaults.
    const [a, b] = [await source(), await source()];
    const { trigger } = await createTrigger(test.db, b, completion(a, { map: {} }));
    // Made a minute ago, so that what ends in the test ends after it was made.
    const minuteAgo = new Date(Date.now() - 60_000);
    await test.db.trigger.update({ where: { id: trigger.id }, data: { firesFrom: minuteAgo } });
    await updateTrigger(test.db, trigger.id, { active: false });
    const meanwhile = await endedRun(a, "Completed", undefined, new Date(Date.now() - 5000));
    expect(await fireCompletionTriggers(test.db, meanwhile)).toEqual([]);
    await updateTrigger(test.db, trigger.id, { active: true });
    expect(await sweepCompletionTriggers(test.db)).toEqual([]);
    const after = await endedRun(a, "Completed");
    expect(await fireCompletionTriggers(test.db, after)).toHaveLength(1);
  });
});

describe("saving triggers", () => {
  it("refuses a cycle of completion triggers, naming it", async () => {
    const [a, b, c] = [await source(), await source(), await source()];
    await createTrigger(test.db, b, completion(a));
    await createTrigger(test.db, c, completion(b));
    const names = await test.db.deployment.findMany({
      where: { id: { in: [a, b, c] } },
      select: { id: true, flow: { select: { name: true } } },
    });
    const label = (id: string) => `${names.find((n) => n.id === id)!.flow.name}/test`;
    await expect(createTrigger(test.db, a, completion(c))).rejects.toThrow(
      `sourceDeploymentId: this trigger would close a cycle ${label(c)} → ${label(a)} → ${label(b)} → ${label(c)}`,
    );
    await expect(createTrigger(test.db, a, completion(a))).rejects.toThrow(
      "sourceDeploymentId: a deployment cannot trigger itself",
    );
    expect(await listTriggers(test.db, a)).toEqual([]);
  });

  it("refuses maps that name unknown parameters or tasks, and names taken", async () => {
    const [a, b] = [await source(), await target()];
    await expect(
      createTrigger(test.db, b, completion(a, { map: { counts: "extract" } })),
    ).rejects.toThrow("map.counts: ");
    await expect(
      createTrigger(test.db, b, completion(a, { map: { count: "transform/x" } })),
    ).rejects.toThrow("map.count: ");
    const hook = { name: "hook", kind: "webhook", active: true, map: { count: "n" } } as const;
    await expect(createTrigger(test.db, b, hook)).rejects.toThrow(
      'map.count: "n" is not a JSON pointer into the body',
    );
    await createTrigger(test.db, b, { ...hook, map: {} });
    await expect(createTrigger(test.db, b, { ...hook, map: {} })).rejects.toThrow(
      'name: this deployment already has a trigger named "hook"',
    );
  });
});
