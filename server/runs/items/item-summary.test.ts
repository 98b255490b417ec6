import { describe, expect, it } from "vitest";
import { emptyStateCounts, itemSummary } from "./item-summary.ts";

describe("a mapped task's items at a glance", () => {
  it("counts items by state, every state named", () => {
    const summary = itemSummary({ map: "repos" }, 10, [
      { state: "Completed", count: 7 },
      { state: "Failed", count: 2 },
      { state: "Running", count: 1 },
    ]);
    expect(summary).toEqual({
      count: 10,
      states: { ...emptyStateCounts(), Completed: 7, Failed: 2, Running: 1 },
      map: ["repos"],
      mapFailure: "fail",
    });
  });

  it("items not announced yet count as Pending, so the states add up to the count", () => {
    const summary = itemSummary({ map: ["a", "b"], mapFailure: "continue" }, 5_000, [
      { state: "Completed", count: 1_500 },
      { state: "Pending", count: 500 },
    ]);
    expect(summary.count).toBe(5_000);
    expect(summary.states.Pending).toBe(3_500);
    expect(summary.map).toEqual(["a", "b"]);
    expect(summary.mapFailure).toBe("continue");
    expect(Object.values(summary.states).reduce((a, b) => a + b, 0)).toBe(5_000);
  });

  it("a task that has not started has no items yet", () => {
    expect(itemSummary({ map: "repos" }, null, [])).toEqual({
      count: 0,
      states: emptyStateCounts(),
      map: ["repos"],
      mapFailure: "fail",
    });
  });
});
