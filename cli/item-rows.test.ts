import { describe, expect, it } from "vitest";
import type { MappedItemView } from "../contract/api-v1.ts";
import { cell, itemRow } from "./item-rows.ts";

const item = (over: Partial<MappedItemView>): MappedItemView => ({
  index: 3,
  state: "Completed",
  attempts: 1,
  startedAt: "2026-12-01T10:00:00.000Z",
  endedAt: "2026-12-01T10:00:01.250Z",
  input: '"org/repo-3"',
  result: 30,
  error: null,
  resultFrom: null,
  ...over,
});
const now = new Date("2026-12-01T10:00:05.000Z");

describe("a row of pipebook run items", () => {
  it("gives index, state, attempts, duration and input", () => {
    expect(itemRow(item({}), now)).toEqual(["3", "Completed", "1", "1.3 s", '"org/repo-3"', ""]);
  });

  it("gives a failed item's error on one line, cut short", () => {
    const row = itemRow(
      item({
        state: "Failed",
        attempts: 3,
        error: { type: "RuntimeError", message: `rate limited\n${"x".repeat(200)}` },
      }),
      now,
    );
    expect(row[1]).toBe("Failed");
    expect(row[2]).toBe("3");
    expect(row[5]).toHaveLength(80);
    expect(row[5]!.startsWith("RuntimeError: rate limited ⏎ xxx")).toBe(true);
    expect(row[5]!.endsWith("…")).toBe(true);
  });

  it("counts a running item's time up to now, and shows none for one that did not start", () => {
    expect(itemRow(item({ state: "Running", endedAt: null }), now)[3]).toBe("5.0 s…");
    expect(itemRow(item({ state: "Pending", startedAt: null, endedAt: null }), now)[3]).toBe("—");
  });

  it("says which run a reused item's result came from", () => {
    const row = itemRow(item({ state: "Cached", attempts: 0, resultFrom: "1a2b3c4d-0000" }), now);
    expect(row[1]).toBe("Cached (from run 1a2b3c4d)");
  });

  it("cuts long inputs to 40 characters", () => {
    expect(cell("a".repeat(100), 40)).toBe(`${"a".repeat(39)}…`);
    expect(cell("short", 40)).toBe("short");
  });
});
