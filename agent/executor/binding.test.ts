import { describe, expect, it } from "vitest";
import { shellResult } from "../kernels/shell.ts";
import { shellVariables, taskInputs, withRunContext } from "./binding.ts";

describe("input binding", () => {
  it("gives a task the parameters and its direct upstream results; a result shadows a parameter", () => {
    const results = new Map<string, unknown>([
      ["get_stars", { a: 1 }],
      ["limit", 99],
      ["unrelated", "x"],
    ]);
    expect(taskInputs({ repos: ["a"], limit: 3 }, ["get_stars", "limit"], results)).toEqual({
      repos: ["a"],
      limit: 99,
      get_stars: { a: 1 },
    });
  });

  it("gives the run's slot as scheduled_at, below parameters and results", () => {
    const at = "2026-03-29T01:00:00.000Z";
    expect(withRunContext({ x: 1 }, { scheduledAt: at })).toEqual({ scheduled_at: at, x: 1 });
    expect(withRunContext({ scheduled_at: "mine" }, { scheduledAt: at })).toEqual({
      scheduled_at: "mine",
    });
    expect(withRunContext({ x: 1 }, {})).toEqual({ x: 1 });
  });

  it("names shell variables in upper case, JSON unless a string", () => {
    expect(
      shellVariables({ report: 2, name: "x y", repos: ["a"], "my-param": null, "3d": true }),
    ).toEqual({
      REPORT: "2",
      NAME: "x y",
      REPOS: '["a"]',
      MY_PARAM: "null",
      _3D: "true",
    });
  });

  it("takes a shell task's result from its last stdout line, as JSON when it parses", () => {
    expect(shellResult('{"n": 3}')).toBe('{"n": 3}');
    expect(shellResult("42")).toBe("42");
    expect(shellResult("repos counted: 2")).toBe('"repos counted: 2"');
    expect(shellResult(undefined)).toBe("null");
  });
});
