import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, storableCopy, storableProblem } from "./storable-json.ts";

describe("what PostgreSQL can store", () => {
  it("accepts ordinary documents", () => {
    expect(storableProblem({ a: [1, "two", { three: null }], b: true })).toBeUndefined();
  });

  it("finds a NUL character in a value or a key, with its path", () => {
    expect(storableProblem({ a: [1, "x\u0000"] })).toEqual({
      path: ["a", 1],
      message: "holds a NUL character (\\u0000), which cannot be stored",
    });
    expect(storableProblem({ "k\u0000": 1 })?.path).toEqual(["k\u0000"]);
  });

  it("finds half of a surrogate pair alone (JSON can spell it, PostgreSQL refuses it)", () => {
    expect(storableProblem({ a: JSON.parse('"x\\ud800"') })?.message).toMatch(
      /surrogate pair .* alone/,
    );
    expect(storableProblem(["\udc00 first"])?.path).toEqual([0]);
    expect(storableProblem({ ["\ud83d"]: 1 })?.message).toMatch(/^has a name that holds half/);
    expect(storableProblem({ ok: "😀 pairs are whole", also: "\ud83d\ude00" })).toBeUndefined();
  });

  it("refuses nesting past the limit without overflowing the stack", () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(storableProblem(deep)?.message).toBe(
      `is nested more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });
});

describe("storableCopy", () => {
  it("replaces NUL characters in strings and names, and keeps storable values as they are", () => {
    const ok = { a: [1, "x"] };
    expect(storableCopy(ok)).toBe(ok);
    expect(storableCopy("a\u0000b")).toBe("a\uFFFDb");
    expect(storableCopy({ "k\u0000": ["v\u0000", 2, null] })).toEqual({
      "k\uFFFD": ["v\uFFFD", 2, null],
    });
    expect(
      storableProblem(storableCopy({ env: "PATH=/bin\u0000HOME=/root\u0000" })),
    ).toBeUndefined();
  });

  it("replaces lone surrogates, keeping whole pairs", () => {
    expect(storableCopy({ ["k\ud800"]: "a\udc00b😀" })).toEqual({ "k\uFFFD": "a\uFFFDb😀" });
  });

  it("cuts what is nested too deep", () => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 100; i++) deep = [deep];
    const copied = storableCopy(deep);
    expect(storableProblem(copied)).toBeUndefined();
    expect(JSON.stringify(copied)).toContain("[nested more than 64 levels deep]");
  });
});
