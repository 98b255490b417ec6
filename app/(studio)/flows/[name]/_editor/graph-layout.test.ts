import { describe, expect, it } from "vitest";
import { layoutDag } from "./graph-layout";

describe("graph layout", () => {
  it("puts each task below the tasks it depends on, and siblings side by side", () => {
    const at = layoutDag([
      { name: "a", dependsOn: [] },
      { name: "b", dependsOn: ["a"] },
      { name: "c", dependsOn: ["a"] },
      { name: "d", dependsOn: ["b", "c"] },
    ]);
    expect(at.get("b")!.y).toBeGreaterThan(at.get("a")!.y);
    expect(at.get("d")!.y).toBeGreaterThan(at.get("b")!.y);
    expect(at.get("b")!.y).toBe(at.get("c")!.y);
    expect(at.get("b")!.x).not.toBe(at.get("c")!.x);
  });

  it("lays out 200 tasks", () => {
    const tasks = Array.from({ length: 200 }, (_, i) => ({
      name: `t${i}`,
      dependsOn: i ? [`t${Math.floor((i - 1) / 2)}`] : [],
    }));
    expect(layoutDag(tasks).size).toBe(200);
  });
});
