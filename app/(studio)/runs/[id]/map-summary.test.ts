import { describe, expect, it } from "vitest";
import { itemsDone, itemStates, timesLabel, type MapSummary } from "./map-summary";

const summary = (count: number | null, states: MapSummary["states"]): MapSummary => ({
  over: ["xs"],
  concurrency: null,
  failure: "fail",
  count,
  states,
});

describe("a mapped task's summary", () => {
  it("counts the items that ended, whatever the way, as done", () => {
    const s = summary(10, {
      Completed: 4,
      Failed: 1,
      NotRun: 1,
      Running: 2,
      Retrying: 1,
      Pending: 1,
    });
    expect(itemsDone(s)).toBe(6);
    // In the palette's order (the state machine's), each with its count.
    expect(itemStates(s)).toEqual([
      ["Pending", 1],
      ["Running", 2],
      ["Retrying", 1],
      ["Completed", 4],
      ["Failed", 1],
      ["NotRun", 1],
    ]);
  });

  it("says ×N (in the reader's number format), and ×? before its list is known", () => {
    expect(timesLabel(summary(10_000, {}))).toBe(`×${(10_000).toLocaleString()}`);
    expect(timesLabel(summary(null, {}))).toBe("×?");
    expect(itemStates(summary(0, {}))).toEqual([]);
  });
});
