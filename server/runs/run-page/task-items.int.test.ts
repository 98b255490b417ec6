// What the run page reads about a mapped task's items, with the items made through the real
// report path: the task is one entry with counts by state (also in the live changes), its items
// come in pages in item order (filtered by state), and one item's attempts, result and log lines.
import { describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { claimedMappedRun, mapEvents } from "../../../test/support/mapped-run.ts";
import { appRouter } from "../../trpc/root.ts";
import { loadConfig } from "../../config.ts";
import { principalOf } from "../../../test/support/seed.ts";
import { listFlowRunLogs } from "../list-logs.ts";
import { getRunChanges, getRunPage } from "./get-run-page.ts";
import { getTaskDetail, getTaskResult } from "./get-task-detail.ts";
import { itemCounts } from "../items/item-counts.ts";
import { listTaskItems } from "../items/list-items.ts";

const test = freshDatabase();
const VIEW = { lateAfterMs: 60_000, leaseMs: 15_000 };

function itemEvents(task: string, item: number, end: "Completed" | "Failed" | "Running") {
  const at = new Date().toISOString();
  const events: ReportEvent[] = [{ type: "task", task, item, state: "Running", attempt: 1, at }];
  if (end === "Completed") {
    events.push({
      type: "task",
      task,
      item,
      state: "Completed",
      attempt: 1,
      at,
      result: item * 10,
    });
  } else if (end === "Failed") {
    events.push({
      type: "task",
      task,
      item,
      state: "Failed",
      attempt: 1,
      at,
      error: { type: "ValueError", message: `bad item ${item}`, traceback: "Traceback…" },
    });
  }
  return events;
}

async function runWithItems(count: number) {
  const mapped = await claimedMappedRun(test.db);
  const { send, at } = mapped;
  await send([
    { type: "flow", state: "Running", at: at() },
    { type: "task", task: "prepare", state: "Running", attempt: 1, at: at() },
    { type: "task", task: "prepare", state: "Completed", attempt: 1, at: at(), result: 1 },
    { type: "task", task: "square", state: "Running", attempt: 1, at: at() },
    ...mapEvents("square", count, (i) => JSON.stringify({ x: i })),
  ]);
  return mapped;
}

describe("a mapped task on the run page", () => {
  it("is one task with its items' counts by state, kept current by the live changes", async () => {
    const { run, send } = await runWithItems(5);
    await send([
      ...itemEvents("square", 0, "Completed"),
      ...itemEvents("square", 1, "Completed"),
      ...itemEvents("square", 2, "Completed"),
      ...itemEvents("square", 3, "Failed"),
      ...itemEvents("square", 4, "Running"),
    ]);
    const page = await getRunPage(test.db, run.flowRunId, VIEW);
    expect(page.tasks.map((t) => t.name)).toEqual(["prepare", "square", "total"]);
    const square = page.tasks.find((t) => t.name === "square")!;
    expect(square.map).toEqual({
      over: ["xs"],
      concurrency: 4,
      failure: "fail",
      count: 5,
      states: { Completed: 3, Failed: 1, Running: 1 },
    });
    expect(page.tasks.find((t) => t.name === "total")!.map).toBeNull();
    // The task's own timeline, not its items' (those are in the item list).
    expect(square.timeline.attempts).toHaveLength(1);

    // An item's change alone re-sends its task with the counts read again.
    await send(itemEvents("square", 4, "Completed").slice(1));
    const changes = await getRunChanges(test.db, run.flowRunId, page.cursor, VIEW);
    expect(changes.tasks.map((t) => t.name)).toEqual(["square"]);
    expect(changes.tasks[0]!.map!.states).toEqual({ Completed: 4, Failed: 1 });
    const none = await getRunChanges(test.db, run.flowRunId, changes.cursor, VIEW);
    expect(none.tasks).toEqual([]);
    expect(await itemCounts(test.db, run.flowRunId, ["prepare"])).toEqual(new Map());
  });

  it("lists its items in pages in item order, also only those in one state", async () => {
    const { run, send } = await runWithItems(2_500);
    await send([
      ...itemEvents("square", 0, "Completed"),
      ...itemEvents("square", 7, "Failed"),
      ...itemEvents("square", 2_401, "Failed"),
      ...itemEvents("square", 2_499, "Running"),
    ]);
    const first = await listTaskItems(test.db, run.flowRunId, "square", { offset: 0, limit: 3 });
    expect(first.total).toBe(2_500);
    expect(first.items.map((i) => [i.index, i.state, i.inputPreview])).toEqual([
      [0, "Completed", '{"x":0}'],
      [1, "Pending", '{"x":1}'],
      [2, "Pending", '{"x":2}'],
    ]);
    const last = await listTaskItems(test.db, run.flowRunId, "square", {
      offset: 2_498,
      limit: 200,
    });
    expect(last.items.map((i) => [i.index, i.state])).toEqual([
      [2_498, "Pending"],
      [2_499, "Running"],
    ]);
    expect(last.items[1]!.startedAt).not.toBeNull();

    const failed = await listTaskItems(test.db, run.flowRunId, "square", {
      offset: 0,
      limit: 1,
      states: ["Failed"],
    });
    expect(failed.total).toBe(2);
    expect(failed.items).toMatchObject([
      { index: 7, state: "Failed", error: { type: "ValueError", message: "bad item 7" } },
    ]);
    const next = await listTaskItems(test.db, run.flowRunId, "square", {
      offset: 1,
      limit: 1,
      states: ["Failed"],
    });
    expect(next.items.map((i) => i.index)).toEqual([2_401]);

    await expect(
      listTaskItems(test.db, run.flowRunId, "nope", { offset: 0, limit: 1 }),
    ).rejects.toThrow(/nope/);

    // Through the studio's procedure, as a viewer.
    const caller = appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: principalOf("viewer"),
    });
    const page = await caller.runPage.items({
      id: run.flowRunId,
      task: "square",
      offset: 5,
      limit: 3,
    });
    expect(page.items.map((i) => i.index)).toEqual([5, 6, 7]);
  });

  it("opens one item's attempts, result and log lines", async () => {
    const { run, send } = await runWithItems(3);
    await send(
      [...itemEvents("square", 1, "Completed"), ...itemEvents("square", 2, "Failed")],
      [
        {
          task: "square",
          item: 1,
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0],
          lines: ["one"],
        },
        {
          task: "square",
          item: 2,
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0, 1],
          lines: ["two a", "two b"],
        },
        {
          task: "prepare",
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0],
          lines: ["prep"],
        },
      ],
    );
    const two = await getTaskDetail(test.db, run.flowRunId, "square", 2);
    expect(two).toMatchObject({ name: "square", state: "Failed" });
    expect(two.attempts).toMatchObject([{ n: 1, error: { type: "ValueError" } }]);
    expect((await getTaskDetail(test.db, run.flowRunId, "square", 1)).result).toMatchObject({
      kind: "value",
      value: 10,
    });
    expect((await getTaskResult(test.db, run.flowRunId, "square", 1))?.value).toBe(10);
    // The task itself is still running: no result yet.
    expect((await getTaskDetail(test.db, run.flowRunId, "square")).result).toEqual({
      kind: "none",
    });
    await expect(getTaskDetail(test.db, run.flowRunId, "square", 9)).rejects.toThrow(/item 9/);

    const logs = await listFlowRunLogs(test.db, run.flowRunId, {
      task: "square",
      item: 2,
      limit: 100,
    });
    expect(logs.logs.map((l) => [l.item, l.message])).toEqual([
      [2, "two a"],
      [2, "two b"],
    ]);
    const all = await listFlowRunLogs(test.db, run.flowRunId, { limit: 100 });
    expect(all.logs.map((l) => l.item ?? null)).toEqual([1, 2, 2, null]);
    // The preview the item panel shows is its row of the item list.
    const row = await listTaskItems(test.db, run.flowRunId, "square", { offset: 2, limit: 1 });
    expect(row.items).toMatchObject([{ index: 2, inputPreview: '{"x":2}' }]);
  });
});
