import { describe, expect, it } from "vitest";
import {
  displayFlowRunState,
  FLOW_RUN_DISPLAY_STATES,
  type FlowRunState,
} from "../../contract/run-states.ts";
import { freshDatabase } from "../../test/support/database.ts";
import {
  PATH_TO,
  redeploy,
  seedDeployment,
  seedRunIn,
  threeTasks,
  uniqueName,
} from "../../test/support/seed.ts";
import { listFlowRuns, type FlowRunFilter } from "./list-flow-runs.ts";

const test = freshDatabase();
const LATE_AFTER_MS = 15_000;
const MINUTE = 60_000;

const run = (deploymentId: string, state: FlowRunState = "Scheduled", scheduledAt?: Date) =>
  seedRunIn(test.db, deploymentId, state, { scheduledAt });

const list = (filter: FlowRunFilter, options: { limit?: number; cursor?: string } = {}) =>
  listFlowRuns(test.db, filter, {
    limit: options.limit ?? 50,
    cursor: options.cursor,
    lateAfterMs: LATE_AFTER_MS,
  });

const ago = (ms: number) => new Date(Date.now() - ms);

describe("the runs list", () => {
  it("filters by shown state — Late and Paused included — and counts every state without the state filter", async () => {
    const { flow, deploymentId } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const failed = await run(deploymentId, "Failed", ago(3 * MINUTE));
    const completed = await run(deploymentId, "Completed", ago(2 * MINUTE));
    const late = await run(deploymentId, "Scheduled", ago(MINUTE));
    const scheduled = await run(deploymentId, "Scheduled", new Date(Date.now() + MINUTE));

    const all = await list({ flow: flow.name });
    expect(all.runs.map((r) => [r.id, r.state])).toEqual([
      [scheduled, "Scheduled"],
      [late, "Late"],
      [completed, "Completed"],
      [failed, "Failed"],
    ]);
    const counts = { Scheduled: 1, Late: 1, Completed: 1, Failed: 1 };
    expect(all.counts).toEqual({ ...zeroCounts(), ...counts });

    const some = await list({ flow: flow.name, states: ["Late", "Failed"] });
    expect(some.runs.map((r) => r.id)).toEqual([late, failed]);
    // The chips count the filter without its states: choosing one does not hide the others.
    expect(some.counts).toEqual({ ...zeroCounts(), ...counts });
    expect((await list({ flow: flow.name, states: ["Scheduled"] })).runs.map((r) => r.id)).toEqual([
      scheduled,
    ]);

    // Pausing the queue turns both waiting runs Paused, and nothing else.
    const queue = (await test.db.flowRun.findUniqueOrThrow({ where: { id: late } })).workQueueId;
    await test.db.workQueue.update({ where: { id: queue }, data: { paused: true } });
    try {
      const paused = await list({ flow: flow.name, states: ["Paused"] });
      expect(paused.runs.map((r) => [r.id, r.state])).toEqual([
        [scheduled, "Paused"],
        [late, "Paused"],
      ]);
      expect(paused.counts).toEqual({ ...zeroCounts(), Paused: 2, Completed: 1, Failed: 1 });
      expect((await list({ flow: flow.name, states: ["Late", "Scheduled"] })).runs).toEqual([]);
    } finally {
      await test.db.workQueue.update({ where: { id: queue }, data: { paused: false } });
    }
  });

  it("shows every run in exactly the state the run page shows, for every state filter", async () => {
    const { flow, deploymentId } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    for (const state of Object.keys(PATH_TO) as FlowRunState[]) {
      await run(deploymentId, state, ago(MINUTE));
      await run(deploymentId, state, ago(1_000));
    }
    const now = new Date();
    const rows = await test.db.flowRun.findMany({
      where: { flowId: flow.id },
      select: { id: true, state: true, scheduledAt: true },
    });
    const expected = new Map(
      rows.map((r) => [
        r.id,
        displayFlowRunState(r, { queuePaused: false, now, lateAfterMs: LATE_AFTER_MS }),
      ]),
    );
    for (const state of FLOW_RUN_DISPLAY_STATES) {
      const page = await list({ flow: flow.name, states: [state] });
      const want = [...expected].filter(([, s]) => s === state).map(([id]) => id);
      expect(page.runs.map((r) => r.id).sort(), state).toEqual(want.sort());
      expect(page.counts?.[state], state).toBe(want.length);
    }
  });

  it("filters by flow, deployment (id or FLOW/NAME), every given tag and scheduled time", async () => {
    const a = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const b = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const old = await run(a.deploymentId, "Completed", ago(3 * 3_600_000));
    await redeploy(test.db, a.flow.name, { tags: ["etl", "gpu"], workQueue: uniqueName("q") });
    const tagged = await run(a.deploymentId, "Completed", ago(30 * MINUTE));
    const other = await run(b.deploymentId, "Completed", ago(20 * MINUTE));

    const ids = async (filter: FlowRunFilter) => (await list(filter)).runs.map((r) => r.id);
    expect(await ids({ flow: a.flow.name })).toEqual([tagged, old]);
    expect(await ids({ deployment: b.deploymentId })).toEqual([other]);
    expect(await ids({ deployment: `${a.flow.name}/test` })).toEqual([tagged, old]);
    expect(await ids({ flow: a.flow.name, tags: ["etl"] })).toEqual([tagged]);
    expect(await ids({ flow: a.flow.name, tags: ["etl", "gpu"] })).toEqual([tagged]);
    expect(await ids({ flow: a.flow.name, tags: ["etl", "nightly"] })).toEqual([]);
    // from is inclusive, until exclusive.
    const at = (await test.db.flowRun.findUniqueOrThrow({ where: { id: tagged } })).scheduledAt;
    expect(await ids({ flow: a.flow.name, from: at })).toEqual([tagged]);
    expect(await ids({ flow: a.flow.name, until: at })).toEqual([old]);
    expect(
      await ids({ from: ago(2 * 3_600_000), until: ago(10 * MINUTE), deployment: b.deploymentId }),
    ).toEqual([other]);

    const row = (await list({ deployment: a.deploymentId })).runs[0]!;
    expect(row).toMatchObject({
      id: tagged,
      state: "Completed",
      flow: { name: a.flow.name, version: 1 },
      deployment: { id: a.deploymentId, name: "test" },
      cellTask: null,
      tags: ["etl", "gpu"],
      replayKind: null,
      scheduledAt: at.toISOString(),
    });
    expect(row.durationMs).toBe(Date.parse(row.endedAt!) - Date.parse(row.startedAt!));
  });

  it("refuses unknown flows and deployments and cursors it did not give, saying which", async () => {
    await expect(list({ flow: "no-such-flow" })).rejects.toMatchObject({
      code: "not_found",
      message: 'flow "no-such-flow" was not found',
    });
    await expect(list({ deployment: "no-such-flow/x" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(list({ deployment: "justaname" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("FLOW/NAME"),
    });
    await expect(list({}, { cursor: "garbage" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("cursor"),
    });
  });

  it("pages newest first by scheduled time then id, stable while new runs arrive", async () => {
    const { flow, deploymentId } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    // Runs sharing one scheduled time (a schedule's slot) are ordered by id.
    const slot = ago(10 * MINUTE);
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push(await run(deploymentId, "Completed", i < 4 ? slot : ago(i * MINUTE)));

    const seen: string[] = [];
    let page = await list({ flow: flow.name }, { limit: 3 });
    seen.push(...page.runs.map((r) => r.id));
    // New runs arrive (at the top) between pages: the next pages neither repeat nor skip.
    await run(deploymentId, "Scheduled");
    await run(deploymentId, "Scheduled", slot);
    while (page.next) {
      page = await list({ flow: flow.name }, { limit: 3, cursor: page.next });
      seen.push(...page.runs.map((r) => r.id));
    }
    const rows = await test.db.flowRun.findMany({
      where: { id: { in: made } },
      select: { id: true, scheduledAt: true },
    });
    const expected = rows
      .sort((x, y) => y.scheduledAt.getTime() - x.scheduledAt.getTime() || (y.id > x.id ? 1 : -1))
      .map((r) => r.id);
    // The run added at the slot sorts among the old ones by id: it may appear once, never twice.
    const old = seen.filter((id) => made.includes(id));
    expect(old).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

function zeroCounts() {
  return Object.fromEntries(FLOW_RUN_DISPLAY_STATES.map((s) => [s, 0]));
}
