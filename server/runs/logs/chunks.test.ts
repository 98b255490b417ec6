import { describe, expect, it } from "vitest";
import type { LogEvent } from "../../../contract/agent-protocol.ts";
import { blocksOfEvents, CHUNK_LINES, planChunks } from "./chunks.ts";

const lines = (count: number, prefix = "l") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe("planning the chunks of a report's lines", () => {
  it("numbers on from the run's count and splits blocks at the chunk size", () => {
    const at = Date.UTC(2026, 10, 30);
    const rows = planChunks(11, [
      { task: "a", attempt: 1, level: "info", at, offsets: lines(2500).map((_, i) => i), lines: lines(2500) },
      { task: null, attempt: null, level: "warning", at: at + 5, offsets: [0], lines: ["Agent SAYS"] },
    ]); // prettier-ignore
    expect(rows.map((r) => [r.first, r.count, r.task, r.level])).toEqual([
      [11, CHUNK_LINES, "a", "info"],
      [1011, CHUNK_LINES, "a", "info"],
      [2011, 500, "a", "info"],
      [2511, 1, null, "warning"],
    ]);
    // Each chunk's time is its first line's; offsets are from there.
    expect(rows[1]!.at).toBe(at + 1000);
    expect(JSON.parse(rows[1]!.offsets).slice(0, 3)).toEqual([0, 1, 2]);
    expect(JSON.parse(rows[2]!.messages).at(-1)).toBe("l2499");
    expect(rows[3]!.search).toBe("agent says");
  });

  it("ends a chunk early when its text grows large", () => {
    const long = "x".repeat(100_000);
    const rows = planChunks(1, [
      { task: "a", attempt: 1, level: "info", at: 0, offsets: [0, 0, 0, 0], lines: [long, long, long, long] },
    ]); // prettier-ignore
    expect(rows.map((r) => r.count)).toEqual([3, 1]);
  });

  it("groups version 1 log events into blocks of one task attempt and level, in order", () => {
    const event = (task: string, level: LogEvent["level"], message: string, ms: number): LogEvent => ({
      type: "log", task, attempt: 1, level, message, at: new Date(ms).toISOString(),
    }); // prettier-ignore
    const blocks = blocksOfEvents([
      event("a", "info", "1", 1000),
      event("a", "info", "2", 1003),
      event("a", "warning", "3", 1004),
      event("a", "info", "4", 1005),
    ]);
    expect(blocks.map((b) => [b.level, b.at, b.offsets, b.lines])).toEqual([
      ["info", 1000, [0, 3], ["1", "2"]],
      ["warning", 1004, [0], ["3"]],
      ["info", 1005, [0], ["4"]],
    ]);
  });
});
