import { describe, expect, it } from "vitest";
import { formatLogLine } from "./log-text.ts";

const line = {
  line: 1,
  level: "warning" as const,
  message: "slow",
  timestamp: "2026-11-30T12:00:00.123Z",
};

describe("a log line as text", () => {
  it("names the task and attempt, an item in brackets, and `run` for the run's own lines", () => {
    expect(formatLogLine({ ...line, task: "extract", attempt: 2 })).toBe(
      "2026-11-30T12:00:00.123Z extract#2 WARNING slow",
    );
    expect(formatLogLine({ ...line, task: "get_stars", item: 7, attempt: 1 })).toBe(
      "2026-11-30T12:00:00.123Z get_stars[7]#1 WARNING slow",
    );
    expect(formatLogLine({ ...line, task: null, item: null, attempt: null })).toBe(
      "2026-11-30T12:00:00.123Z run WARNING slow",
    );
  });
});
