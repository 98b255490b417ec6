import { describe, expect, it } from "vitest";
import { planCellRun } from "./plan-cell-run.ts";

// extract → clean → report, and stats (independent of report) → report too; other is unrelated.
const tasks = [
  { name: "extract", dependsOn: [] },
  { name: "clean", dependsOn: ["extract"] },
  { name: "stats", dependsOn: [] },
  { name: "report", dependsOn: ["clean", "stats"] },
  { name: "other", dependsOn: [] },
];

describe("planning a cell run", () => {
  it("reuses every upstream result that is still valid and runs only the cell", () => {
    expect(planCellRun(tasks, "report", new Set(["extract", "clean", "stats", "other"]))).toEqual({
      run: ["report"],
      reuse: ["extract", "clean", "stats"],
    });
  });

  it("runs the upstream tasks that have no result first, in dependency order", () => {
    expect(planCellRun(tasks, "report", new Set())).toEqual({
      run: ["extract", "clean", "stats", "report"],
      reuse: [],
    });
  });

  it("re-runs what depends on a re-run task: its old result was computed from stale inputs", () => {
    expect(planCellRun(tasks, "report", new Set(["clean", "stats"]))).toEqual({
      run: ["extract", "clean", "report"],
      reuse: ["stats"],
    });
  });

  it("a task without upstream runs alone", () => {
    expect(planCellRun(tasks, "extract", new Set(["stats"]))).toEqual({
      run: ["extract"],
      reuse: [],
    });
  });
});
