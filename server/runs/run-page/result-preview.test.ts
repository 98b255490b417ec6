import { describe, expect, it } from "vitest";
import { PREVIEW_BYTES, previewResult } from "./result-preview.ts";

describe("a result's preview", () => {
  it("is the whole value up to the preview size", () => {
    const value = { rows: [1, 2, 3], name: "x" };
    expect(previewResult(value, 40)).toEqual({ kind: "value", value, sizeBytes: 40, cuts: [] });
  });

  it("cuts a large value to its first items, keys and characters, naming each cut", () => {
    const value = {
      rows: Array.from({ length: 10_000 }, (_, i) => ({ id: i })),
      text: "x".repeat(50_000),
      "a/b": Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i])),
    };
    const preview = previewResult(value, PREVIEW_BYTES + 1);
    if (preview.kind !== "value") throw new Error("expected a value");
    const cutValue = preview.value as { rows: unknown[]; text: string; "a/b": object };
    expect(cutValue.rows).toHaveLength(50);
    expect(cutValue.text).toHaveLength(2_000);
    expect(Object.keys(cutValue["a/b"])).toHaveLength(50);
    expect(preview.cuts).toEqual([
      { path: "/rows", missing: "9950 more items" },
      { path: "/text", missing: "48000 more characters" },
      { path: "/a~1b", missing: "30 more keys" },
    ]);
    expect(JSON.stringify(preview.value).length).toBeLessThan(PREVIEW_BYTES);
  });
});
