import { describe, expect, it } from "vitest";
import type { TaskRunView } from "../contract/api-v1.ts";
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
    expect(formatFeedItem(traceback, { taskRuns: [] }).split("\n")).toEqual([
      "12:03:04.120  load ERROR | Traceback (most recent call last):",
      '                         |   File "<task load>", line 2, in main',
    ]);
  });
});
