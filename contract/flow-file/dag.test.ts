import { describe, expect, it } from "vitest";
import { closestName } from "../closest-name.ts";
import { cycleIfConnected, findCycles, topologicalOrder, validateDag } from "./dag.ts";

const t = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe("topological order", () => {
  it("puts every task after its dependencies, file order breaking ties", () => {
    const tasks = [t("report", "b", "a"), t("b"), t("a"), t("c", "a")];
    expect(topologicalOrder(tasks).map((x) => x.name)).toEqual(["b", "a", "report", "c"]);
  });

  it("handles a 2000-task chain without recursion", () => {
    const tasks = Array.from({ length: 2000 }, (_, i) => (i ? t(`t${i}`, `t${i - 1}`) : t("t0")));
    const order = topologicalOrder([...tasks].reverse());
    expect(order[0]!.name).toBe("t0");
    expect(order[1999]!.name).toBe("t1999");
    expect(findCycles(tasks)).toEqual([]);
  });
});

describe("cycles", () => {
  it("names each cycle once, in data-flow order from its first task in the file", () => {
    const tasks = [t("a", "c"), t("b", "a"), t("c", "b"), t("x", "y"), t("y", "x"), t("free")];
    expect(findCycles(tasks)).toEqual([
      ["a", "b", "c"],
      ["x", "y"],
    ]);
  });

  it("reports the shortest way round a tangle", () => {
    const tasks = [t("a", "b", "d"), t("b", "c"), t("c", "a"), t("d", "a")];
    expect(findCycles(tasks)).toEqual([["a", "d"]]);
  });

  it("refuses a dragged edge that would close a cycle, naming it", () => {
    const tasks = [t("a"), t("b", "a"), t("c", "b")];
    expect(cycleIfConnected(tasks, "c", "a")).toEqual(["c", "a", "b", "c"]);
    expect(cycleIfConnected(tasks, "a", "a")).toEqual(["a", "a"]);
    expect(cycleIfConnected(tasks, "a", "c")).toBeNull();
  });
});

describe("validateDag", () => {
  it("finds nothing wrong with a good graph", () => {
    expect(validateDag([t("a"), t("b", "a"), t("c", "a", "b")])).toEqual([]);
  });

  it("reports duplicate names, unknown, self and repeated dependencies", () => {
    const messages = validateDag([t("a", "a"), t("a"), t("b", "x", "a", "a")]).map(
      (i) => i.message,
    );
    expect(messages).toEqual([
      'task "a": duplicate name, already used by tasks[0]',
      'task "a": dependsOn names the task itself',
      'task "b": dependsOn names "x", which is not a task of this flow (did you mean "a"?)',
      'task "b": dependsOn lists "a" twice',
    ]);
  });
});

describe("closestName", () => {
  it("suggests only near misses", () => {
    expect(closestName("get_star", ["get_stars", "report"])).toBe("get_stars");
    expect(closestName("zzz", ["get_stars", "report"])).toBeUndefined();
  });
});
