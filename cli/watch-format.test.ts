import { describe, expect, it } from "vitest";
import type { TaskRunStateCounts, TaskRunView } from "../contract/api-v1.ts";
import { TASK_RUN_STATES } from "../contract/run-states.ts";
import { MapProgressLines } from "./watch-progress.ts";
import { formatFeedItem, oneLine } from "./watch-format.ts";

const at = "2026-01-01T12:03:04.120Z";
const task = (over: Partial<TaskRunView>): TaskRunView => ({
  name: "transform",
  state: "Completed",
  attempts: 1,
  startedAt: at,
  endedAt: at,
  result: null,
  error: null,
  resultFrom: null,
  cachedFrom: null,
  ...over,
});
const state = (taskName: string | null, to: string, over: object = {}) => ({
  kind: "state" as const,
  event: { task: taskName, from: null, to, attempt: 1, message: null, at, ...over },
});

describe("a line of run --watch", () => {
  it("prints a completed task's result as JSON on one line", () => {
    const run = { taskRuns: [task({ result: { rows: 3, names: ["a", "b"] } })] };
    expect(formatFeedItem(state("transform", "Completed"), run)).toBe(
      '12:03:04.120  transform Completed → {"rows":3,"names":["a","b"]}',
    );
  });

  it("cuts a long result to 200 characters with …", () => {
    const long = oneLine({ text: "x".repeat(1000) });
    expect(long).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
    expect(oneLine("multi\nline")).toBe('"multi\\nline"');
    expect(oneLine(undefined)).toBe("null");
  });

  it("says where a cached result came from", () => {
    const run = { taskRuns: [task({ state: "Cached", result: 7, resultFrom: "r-1" })] };
    expect(
      formatFeedItem(state("transform", "Cached", { message: "Reused a cached result" }), run),
    ).toBe("12:03:04.120  transform Cached: Reused a cached result → 7 (from run r-1)");
  });

  it("gives a failed task's error, and the attempt after the first", () => {
    const run = {
      taskRuns: [task({ state: "Failed", error: { type: "ValueError", message: "bad row" } })],
    };
    expect(formatFeedItem(state("transform", "Failed", { attempt: 2 }), run)).toBe(
      "12:03:04.120  transform Failed (attempt 2): bad row",
    );
    expect(formatFeedItem(state(null, "Running"), run)).toBe("12:03:04.120  flow run Running");
  });

  it("prints log lines with their task, attempt and level", () => {
    const line = (level: "info" | "warning", attempt: number) => ({
      kind: "log" as const,
      line: { line: 1, task: "transform", attempt, level, message: "hello", timestamp: at },
    });
    expect(formatFeedItem(line("info", 1), { taskRuns: [] })).toBe(
      "12:03:04.120  transform | hello",
    );
    expect(formatFeedItem(line("warning", 2), { taskRuns: [] })).toBe(
      "12:03:04.120  transform#2 WARNING | hello",
    );
    const traceback = {
      kind: "log" as const,
      line: {
        line: 2,
        task: "load",
        attempt: 1,
        level: "error" as const,
        message: 'Traceback (most recent call last):\n  File "<task load>", line 2, in main',
        timestamp: at,
      },
    };
    expect(formatFeedItem(traceback, { taskRuns: [] })!.split("\n")).toEqual([
      "12:03:04.120  load ERROR | Traceback (most recent call last):",
      '                         |   File "<task load>", line 2, in main',
    ]);
  });
});

const emptyStateCounts = () =>
  Object.fromEntries(TASK_RUN_STATES.map((s) => [s, 0])) as TaskRunStateCounts;

describe("a mapped task in run --watch", () => {
  const mapped = (
    over: Partial<TaskRunView>,
    states: Partial<ReturnType<typeof emptyStateCounts>>,
    count = 10,
  ) =>
    task({
      name: "get_stars",
      items: {
        count,
        states: { ...emptyStateCounts(), ...states },
        map: ["repos"],
        mapFailure: "fail",
      },
      ...over,
    });

  it("shows the task as name ×N with its done and failed counts when it ends", () => {
    const failed = mapped(
      { state: "Failed", error: { type: "ItemFailed", message: "item 3 failed: 404" } },
      { Completed: 8, Failed: 2 },
    );
    expect(formatFeedItem(state("get_stars", "Failed"), { taskRuns: [failed] })).toBe(
      "12:03:04.120  get_stars ×10 Failed (8 done, 2 failed): item 3 failed: 404",
    );
    const done = mapped({ state: "Completed", result: [1, 2] }, { Completed: 2, Cached: 8 });
    expect(formatFeedItem(state("get_stars", "Completed"), { taskRuns: [done] })).toBe(
      "12:03:04.120  get_stars ×10 Completed (10 done, 0 failed) → [1,2]",
    );
    const running = mapped({ state: "Running" }, { Running: 4, Pending: 6 });
    expect(formatFeedItem(state("get_stars", "Running"), { taskRuns: [running] })).toBe(
      "12:03:04.120  get_stars ×10 Running",
    );
    const empty = mapped({ state: "Completed", result: [] }, {}, 0);
    expect(formatFeedItem(state("get_stars", "Completed"), { taskRuns: [empty] })).toBe(
      "12:03:04.120  get_stars ×0 Completed → []",
    );
  });

  it("prints an item's failures and retries, not its other state changes", () => {
    const run = { taskRuns: [mapped({ state: "Running" }, { Running: 10 })] };
    const failed = state("get_stars", "Failed", {
      item: 7,
      attempt: 2,
      error: { type: "RuntimeError", message: "GitHub said 502" },
    });
    expect(formatFeedItem(failed, run)).toBe(
      "12:03:04.120  get_stars[7] Failed (attempt 2): GitHub said 502",
    );
    expect(formatFeedItem(state("get_stars", "Retrying", { item: 7 }), run)).toBe(
      "12:03:04.120  get_stars[7] Retrying",
    );
    expect(formatFeedItem(state("get_stars", "Running", { item: 7 }), run)).toBeNull();
    expect(formatFeedItem(state("get_stars", "Completed", { item: 7 }), run)).toBeNull();
  });

  it("names the item of an item's log line", () => {
    const line = {
      kind: "log" as const,
      line: {
        line: 1,
        task: "get_stars",
        item: 7,
        attempt: 2,
        level: "info" as const,
        message: "hi",
        timestamp: at,
      },
    };
    expect(formatFeedItem(line, { taskRuns: [] })).toBe("12:03:04.120  get_stars[7]#2 | hi");
  });

  it("says how far a running mapped task got, once per tenth of its items", () => {
    const progress = new MapProgressLines();
    const now = new Date(at);
    const at_ = (states: Partial<ReturnType<typeof emptyStateCounts>>) => ({
      taskRuns: [mapped({ state: "Running" }, states, 10_000)],
    });
    expect(progress.update(at_({ Completed: 500, Running: 16, Pending: 9_484 }), now)).toEqual([]);
    expect(progress.update(at_({ Completed: 3_950, Failed: 50, Pending: 6_000 }), now)).toEqual([
      "12:03:04.120  get_stars ×10,000 40% (3,950 done, 50 failed, 6,000 waiting)",
    ]);
    expect(progress.update(at_({ Completed: 4_100, Failed: 50, Pending: 5_850 }), now)).toEqual([]);
    // All ended: the task's own final line says so.
    expect(progress.update(at_({ Completed: 10_000 }), now)).toEqual([]);
  });
});
