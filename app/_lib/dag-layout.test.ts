import { describe, expect, it } from "vitest";
import { layoutDag, NODE_WIDTH } from "./dag-layout";

const branching = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `t${i}`,
    dependsOn: i ? [`t${Math.floor(i / 2)}`, ...(i > 3 ? [`t${i - 3}`] : [])] : [],
  }));

describe("DAG layout", () => {
  it("puts each task below every task it depends on, and siblings side by side", () => {
    const at = layoutDag([
      { name: "a", dependsOn: [] },
      { name: "b", dependsOn: ["a"] },
      { name: "c", dependsOn: ["a"] },
      { name: "d", dependsOn: ["b", "c"] },
      { name: "e", dependsOn: ["a", "d"] },
    ]);
    expect(at.get("b")!.y).toBeGreaterThan(at.get("a")!.y);
    expect(at.get("d")!.y).toBeGreaterThan(at.get("b")!.y);
    expect(at.get("e")!.y).toBeGreaterThan(at.get("d")!.y);
    expect(at.get("b")!.y).toBe(at.get("c")!.y);
    expect(Math.abs(at.get("b")!.x - at.get("c")!.x)).toBeGreaterThanOrEqual(NODE_WIDTH);
  });

  it("never overlaps two nodes, and keeps every edge pointing down, for 2,000 tasks", () => {
    const tasks = branching(2_000);
    const at = layoutDag(tasks);
    expect(at.size).toBe(2_000);
    const cells = new Set([...at.values()].map((p) => `${p.x},${p.y}`));
    expect(cells.size).toBe(2_000);
    for (const t of tasks)
      for (const d of t.dependsOn) expect(at.get(t.name)!.y).toBeGreaterThan(at.get(d)!.y);
  });

  it("orders a layer to follow its parents (no needless crossing)", () => {
    const at = layoutDag([
      { name: "left", dependsOn: [] },
      { name: "right", dependsOn: [] },
      { name: "under_right", dependsOn: ["right"] },
      { name: "under_left", dependsOn: ["left"] },
    ]);
    expect(at.get("under_left")!.x).toBeLessThan(at.get("under_right")!.x);
  });

  it("still places every task when an edit leaves a cycle half made", () => {
    const at = layoutDag([
      { name: "a", dependsOn: ["b"] },
      { name: "b", dependsOn: ["a"] },
      { name: "c", dependsOn: [] },
    ]);
    expect(at.size).toBe(3);
  });
});
