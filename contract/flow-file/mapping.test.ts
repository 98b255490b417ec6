import { describe, expect, it } from "vitest";
import { checkFlowFile } from "./parse.ts";
import { chainPlan, mapSources, validateMapping } from "./mapping.ts";

const task = (
  name: string,
  over: {
    dependsOn?: string[];
    map?: string | string[];
    mapConcurrency?: number;
    mapFailure?: string;
  } = {},
) => ({
  name,
  dependsOn: [] as string[],
  ...over,
});

describe("validateMapping", () => {
  it("accepts a parameter or a direct upstream, alone or zipped", () => {
    const tasks = [
      task("list_repos"),
      task("get_stars", { dependsOn: ["list_repos"], map: ["list_repos", "owners"] }),
      task("each", { map: "owners", mapConcurrency: 4, mapFailure: "continue" }),
    ];
    expect(validateMapping(tasks, ["owners"])).toEqual([]);
  });

  it("names the task, the field and what to do for every bad map setting", () => {
    const tasks = [
      task("a"),
      task("b", { map: "a" }),
      task("c", { map: "repo" }),
      task("d", { map: ["owners", "owners"] }),
      task("e", { map: "e" }),
      task("f", { mapConcurrency: 3 }),
    ];
    expect(validateMapping(tasks, ["owners", "repos"]).map((i) => [i.path, i.message])).toEqual([
      [
        ["tasks", 1, "map"],
        'task "b": map names task "a", which is not one of its upstream tasks — add "a" to dependsOn (drag an edge from it)',
      ],
      [
        ["tasks", 2, "map"],
        'task "c": map names "repo", which is neither a parameter of the flow nor an upstream task of "c" (did you mean "repos"?)',
      ],
      [["tasks", 3, "map", 1], 'task "d": map lists "owners" twice'],
      [
        ["tasks", 4, "map"],
        'task "e": map names the task itself; map over a parameter or an upstream task\'s result',
      ],
      [
        ["tasks", 5, "mapConcurrency"],
        'task "f": mapConcurrency applies only to a mapped task — set map to the list to map over, or remove mapConcurrency',
      ],
    ]);
  });

  it("is part of checking a flow file", () => {
    const check = checkFlowFile({
      name: "f",
      tasks: [{ name: "t", language: "python", code: "", map: "nothing" }],
    });
    expect(check.issues.map((i) => i.message)).toEqual([
      'task "t": map names "nothing", which is neither a parameter of the flow nor an upstream task of "t"',
    ]);
    const empty = checkFlowFile({
      name: "f",
      tasks: [{ name: "t", language: "python", code: "", map: [] }],
    });
    expect(empty.issues[0]?.message).toMatch(/task "t": map must hold at least 1/);
  });
});

describe("chainPlan", () => {
  it("chains a mapped task to the mapped upstreams it maps over, item by item", () => {
    const tasks = [
      task("fetch", { map: "urls" }),
      task("list"),
      task("parse", { dependsOn: ["fetch", "list"], map: ["fetch", "list"] }),
      task("store", { dependsOn: ["parse"], map: "parse" }),
      task("total", { dependsOn: ["store"] }),
      task("again", { dependsOn: ["fetch"], map: "urls" }),
    ];
    expect([...chainPlan(tasks)]).toEqual([
      ["parse", ["fetch"]],
      ["store", ["parse"]],
    ]);
    expect(mapSources(tasks[2]!)).toEqual(["fetch", "list"]);
    expect(mapSources(tasks[1]!)).toEqual([]);
  });
});
