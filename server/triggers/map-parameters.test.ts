// Mapping what fired a trigger to parameters: webhook bodies through JSON pointers, finished
// runs through task results and parameters, and the refusals that name where a value was missing.
import { describe, expect, it } from "vitest";
import { resolvePointer } from "../../contract/json-pointer.ts";
import {
  completionParameters,
  MappingError,
  parseCompletionSource,
  webhookParameters,
  webhookSourceProblem,
} from "./map-parameters.ts";

describe("resolvePointer (RFC 6901)", () => {
  const doc = { a: { "b/c": [10, { "~d": true }] }, "": 1 };
  it.each([
    ["", doc],
    ["/a/b~1c/0", 10],
    ["/a/b~1c/1/~0d", true],
    ["/", 1],
  ])("%s finds its value", (pointer, value) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: true, value });
  });
  it.each([
    ["/x", "/x"],
    ["/a/b~1c/2", "/a/b~1c/2"],
    ["/a/b~1c/01", "/a/b~1c/01"],
    ["/a/b~1c/0/deeper", "/a/b~1c/0/deeper"],
    ["no-slash", "no-slash"],
  ])("%s stops at %s", (pointer, missing) => {
    expect(resolvePointer(doc, pointer)).toEqual({ found: false, missing });
  });
});

describe("webhook bodies", () => {
  it("are the parameters when the trigger maps nothing", () => {
    expect(webhookParameters({}, { n: 1, label: "x" })).toEqual({ n: 1, label: "x" });
  });
  it("are read through the map, leaving out what is not there", () => {
    const body = { repository: { name: "pipebook" }, commits: [{ id: "abc" }] };
    expect(
      webhookParameters({ repo: "/repository/name", first: "/commits/0/id", gone: "/x" }, body),
    ).toEqual({ repo: "pipebook", first: "abc" });
  });
  it.each([
    [[1, 2], "an array"],
    ["text", "a string"],
    [null, "null"],
  ])("must be an object: %j is refused", (body, got) => {
    expect(() => webhookParameters({}, body)).toThrow(
      new MappingError(`the body must be a JSON object (got ${got})`, "body"),
    );
  });
  it("map to JSON pointers only", () => {
    expect(webhookSourceProblem("/a")).toBeNull();
    expect(webhookSourceProblem("a")).toContain('start with "/"');
  });
});

describe("finished runs", () => {
  const run = {
    parameters: { region: "eu", limits: { max: 5 } },
    results: { extract: { rows: [1, 2, 3], count: 3 }, report: 7 },
  };
  it("give whole results, parts of results and parameters", () => {
    expect(
      completionParameters(
        {
          all: "extract",
          count: "extract/count",
          second: "extract/rows/1",
          total: "report",
          region: "parameters/region",
          max: "parameters/limits/max",
        },
        run,
      ),
    ).toEqual({
      all: { rows: [1, 2, 3], count: 3 },
      count: 3,
      second: 2,
      total: 7,
      region: "eu",
      max: 5,
    });
  });
  it.each([
    [{ n: "notify" }, 'parameter "n": task "notify" of the source run has no result'],
    [
      { n: "extract/rows/9" },
      'parameter "n": nothing at "/rows/9" in the result of task "extract" of the source run',
    ],
    [{ n: "parameters/zone" }, 'parameter "n": the source run has no parameter "zone"'],
    [{ n: "Extract" }, 'parameter "n": "Extract" is not a source'],
  ])("refuse %j, saying what is missing", (map, message) => {
    expect(() => completionParameters(map, run)).toThrow(message);
  });
  it("sources are tasks, parts of tasks or parameters", () => {
    expect(parseCompletionSource("extract")).toEqual({
      kind: "result",
      task: "extract",
      pointer: "",
    });
    expect(parseCompletionSource("parameters/region/x")).toEqual({
      kind: "parameter",
      name: "region",
      pointer: "/x",
    });
    expect(parseCompletionSource("parameters")).toBeNull();
    expect(parseCompletionSource("/extract")).toBeNull();
  });
});
