import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { redeploy, seedDeployment, threeTasks } from "../../test/support/seed.ts";
import { createFlowRun } from "./create-flow-run.ts";
import { getFlowRun } from "./get-flow-run.ts";

const test = freshDatabase();
const view = { lateAfterMs: 15_000, leaseMs: 15_000 };

describe("creating flow runs", () => {
  it("validates and completes the parameters, and lists task runs in flow order", async () => {
    const { deploymentId } = await seedDeployment(test.db);
    const run = await createFlowRun(test.db, {
      deploymentId,
      parameters: { label: "x" },
      leaseMs: 15_000,
    });
    expect(run.state).toBe("Scheduled");
    const read = await getFlowRun(test.db, run.id, view);
    expect(read).toMatchObject({
      id: run.id,
      state: "Scheduled",
      parameters: { label: "x", n: 1 },
      startedAt: null,
      endedAt: null,
      attempt: 1,
    });
    expect(read.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(read.taskRuns.map((t) => [t.name, t.state, t.attempts, t.result, t.error])).toEqual([
      ["extract", "Pending", 0, null, null],
      ["report", "Pending", 0, null, null],
      ["notify", "Pending", 0, null, null],
    ]);
    // Written by the run's own insert statement: its audit event names the new run.
    const events = await test.db.auditEvent.findMany({ where: { targetId: run.id } });
    expect(events.map((e) => [e.action, e.targetType, e.targetName, e.details])).toEqual([
      ["run.create", "flowRun", "test", { deploymentId, parameters: ["label"] }],
    ]);
  });

  it("overlays run parameters on the deployment's defaults", async () => {
    const { deploymentId, flow } = await seedDeployment(test.db);
    // Triggered once before the change: what the trigger remembers of the deployment is forgotten.
    await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    await redeploy(test.db, flow.name, { parameters: { n: 7, label: "d" } });
    const run = await createFlowRun(test.db, {
      deploymentId,
      parameters: { label: "r" },
      leaseMs: 15_000,
    });
    expect((await getFlowRun(test.db, run.id, view)).parameters).toEqual({ n: 7, label: "r" });
  });

  it("refuses a parameter of the wrong type, naming the field, and creates nothing", async () => {
    const { deploymentId } = await seedDeployment(test.db);
    const before = await test.db.flowRun.count();
    await expect(
      createFlowRun(test.db, { deploymentId, parameters: { n: "1" }, leaseMs: 15_000 }),
    ).rejects.toMatchObject({
      code: "invalid_parameters",
      message:
        'invalid parameters for a run of deployment "test": parameter "n" must be integer (got string "1")',
      details: { issues: [{ field: "n" }] },
    });
    expect(await test.db.flowRun.count()).toBe(before);
  });

  it("checks a run's parameters against an untrusted pattern in linear time", async () => {
    const file = threeTasks();
    file.parameters = {
      type: "object",
      properties: { word: { type: "string", pattern: "^(a+)+$" } },
    };
    const { deploymentId } = await seedDeployment(test.db, file);
    const started = performance.now();
    await expect(
      createFlowRun(test.db, {
        deploymentId,
        parameters: { word: `${"a".repeat(40)}!` },
        leaseMs: 15_000,
      }),
    ).rejects.toMatchObject({
      code: "invalid_parameters",
      message:
        'invalid parameters for a run of deployment "test": parameter "word" must match pattern "^(a+)+$"',
    });
    // A backtracking RegExp took hours on this value, holding the whole server.
    expect(performance.now() - started).toBeLessThan(1_000);
    const ok = await createFlowRun(test.db, {
      deploymentId,
      parameters: { word: "aaaa" },
      leaseMs: 15_000,
    });
    expect(ok.state).toBe("Scheduled");
  });

  it("refuses an unknown deployment", async () => {
    await expect(
      createFlowRun(test.db, {
        deploymentId: crypto.randomUUID(),
        parameters: {},
        leaseMs: 15_000,
      }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("shows a run nobody took as Late once it is past its start", async () => {
    const { deploymentId } = await seedDeployment(test.db);
    const run = await createFlowRun(test.db, {
      deploymentId,
      parameters: {},
      scheduledAt: new Date(Date.now() - 60_000),
      leaseMs: 15_000,
    });
    expect((await getFlowRun(test.db, run.id, view)).state).toBe("Late");
  });
});
