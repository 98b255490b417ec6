import { describe, expect, it } from "vitest";
import { fanIn, inputPreview, itemInputs, mapLists, type ItemEnd } from "./map-items.ts";

const ok = <T>(value: T) => {
  if (!(value as { ok: boolean }).ok) throw new Error(JSON.stringify(value));
  return value as Extract<T, { ok: true }>;
};

describe("mapLists and itemInputs", () => {
  it("binds the item under the mapped name and passes every other input whole", () => {
    const inputs = { repos: ["a", "b"], token: "t", prefix: { x: 1 } };
    const lists = ok(mapLists({ name: "get", map: "repos" }, inputs));
    expect(lists.count).toBe(2);
    expect(itemInputs(inputs, lists, 1)).toEqual({ repos: "b", token: "t", prefix: { x: 1 } });
  });

  it("zips lists of equal length", () => {
    const inputs = { a: [1, 2, 3], b: ["x", "y", "z"] };
    const lists = ok(mapLists({ name: "t", map: ["a", "b"] }, inputs));
    expect(itemInputs(inputs, lists, 2)).toEqual({ a: 3, b: "z" });
    expect(inputPreview(lists, 0)).toBe('[1, "x"]');
  });

  it("refuses lists of different lengths, naming both lengths", () => {
    expect(mapLists({ name: "t", map: ["a", "b"] }, { a: [1], b: [1, 2] })).toEqual({
      ok: false,
      error: {
        type: "MapLengthMismatch",
        message:
          'task "t" zips lists of different lengths: "a" has 1 item, "b" has 2 — zipped lists must have the same length',
      },
    });
  });

  it("refuses what is not a list, saying what it is", () => {
    const error = (value: unknown) => {
      const lists = mapLists({ name: "t", map: "a" }, { a: value });
      return lists.ok ? "" : lists.error.message;
    };
    expect(error({ k: 1 })).toMatch(/"a", which is an object, not a list/);
    expect(error(null)).toMatch(/"a", which is null, not a list/);
    expect(error(7)).toMatch(/"a", which is a number \(7\), not a list/);
    expect(error(undefined)).toMatch(/"a", which is not an input of the task/);
  });

  it("takes a chained source's count from its upstream and its value per item", () => {
    const lists = ok(
      mapLists({ name: "t", map: ["up", "p"] }, { p: [5, 6] }, new Map([["up", 2]])),
    );
    expect(itemInputs({ p: [5, 6] }, lists, 1, new Map([["up", "r1"]]))).toEqual({
      up: "r1",
      p: 6,
    });
    expect(inputPreview(lists, 1)).toBe("[up[1], 6]");
    expect(mapLists({ name: "t", map: ["up", "p"] }, { p: [5] }, new Map([["up", 2]])).ok).toBe(
      false,
    );
  });

  it("maps an empty list to no items", () => {
    expect(ok(mapLists({ name: "t", map: "a" }, { a: [] })).count).toBe(0);
  });

  it("cuts long previews", () => {
    const lists = ok(mapLists({ name: "t", map: "a" }, { a: ["x".repeat(500)] }));
    const preview = inputPreview(lists, 0);
    expect(preview).toHaveLength(120);
    expect(preview.endsWith("…")).toBe(true);
  });
});

describe("fanIn", () => {
  const done = (result: unknown): ItemEnd => ({ state: "Completed", result });
  const failed = (message: string): ItemEnd => ({
    state: "Failed",
    error: { type: "ValueError", message },
  });

  it("returns the items' results in item order", () => {
    expect(fanIn({ name: "t" }, [done(1), { state: "Cached", result: 2 }, done(3)])).toEqual({
      state: "Completed",
      result: [1, 2, 3],
    });
    expect(fanIn({ name: "t" }, [])).toEqual({ state: "Completed", result: [] });
  });

  it("fails on a failed item by default, naming the first one, its input and how many failed", () => {
    expect(
      fanIn({ name: "t" }, [done(1), failed("bad\nmore"), failed("worse")], (i) => `"r${i}"`),
    ).toEqual({
      state: "Failed",
      error: {
        type: "ItemFailed",
        message: 'item 1 ("r1") of 3 failed: ValueError: bad — and 1 other item failed',
        item: 1,
        failedItems: 2,
      },
    });
  });

  it("hands on the successful results and the failures under continue", () => {
    expect(fanIn({ name: "t", mapFailure: "continue" }, [failed("x"), done(2)])).toEqual({
      state: "Completed",
      result: [2],
      failures: [{ index: 0, error: { type: "ValueError", message: "x" } }],
    });
  });

  it("leaves out items skipped because their chained upstream item did not complete", () => {
    const skipped: ItemEnd = {
      state: "NotRun",
      skipped: true,
      error: { type: "UpstreamNotCompleted", message: "did not run" },
    };
    expect(fanIn({ name: "t" }, [done(1), skipped, done(3)])).toEqual({
      state: "Completed",
      result: [1, 3],
    });
  });

  it("is cancelled when an item was", () => {
    expect(fanIn({ name: "t" }, [done(1), { state: "Cancelled" }])).toEqual({ state: "Cancelled" });
  });
});
