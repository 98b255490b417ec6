import { describe, expect, it } from "vitest";
import { cacheKey, cacheKeyPolicy } from "./cache-key.ts";
import { canonicalJson, sha256 } from "./content-hash.ts";

const base = {
  flow: "stars",
  task: "count",
  language: "python" as const,
  code: "def main(x):\n    return x\n",
  inputs: { x: 1, y: [1, 2] },
};

describe("cache key policies", () => {
  it("defaults to code+inputs when `cache` is given without a key, and to none without `cache`", () => {
    expect(cacheKeyPolicy({})).toBe("code+inputs");
    expect(cacheKeyPolicy(undefined)).toBe("none");
    expect(cacheKey({}, base)).toBe(cacheKey({ key: "code+inputs" }, base));
  });

  it("code+inputs: the same code and inputs hit, whatever the key order; other code or inputs miss", () => {
    const key = cacheKey({ key: "code+inputs" }, base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ key: "code+inputs" }, { ...base, inputs: { y: [1, 2], x: 1 } })).toBe(key);
    expect(cacheKey({ key: "code+inputs" }, { ...base, code: base.code + "# edit\n" })).not.toBe(
      key,
    );
    expect(cacheKey({ key: "code+inputs" }, { ...base, inputs: { x: 2, y: [1, 2] } })).not.toBe(
      key,
    );
    expect(cacheKey({ key: "code+inputs" }, { ...base, language: "shell" })).not.toBe(key);
  });

  it("inputs: a code change keeps the key; another task, flow or input does not", () => {
    const key = cacheKey({ key: "inputs" }, base);
    expect(cacheKey({ key: "inputs" }, { ...base, code: "def main(x):\n    return 2\n" })).toBe(
      key,
    );
    expect(cacheKey({ key: "inputs" }, { ...base, task: "other" })).not.toBe(key);
    expect(cacheKey({ key: "inputs" }, { ...base, flow: "other" })).not.toBe(key);
    expect(cacheKey({ key: "inputs" }, { ...base, inputs: { x: 1 } })).not.toBe(key);
    expect(key).not.toBe(cacheKey({ key: "code+inputs" }, base));
  });

  it("none: no key, so never looked up nor stored", () => {
    expect(cacheKey({ key: "none" }, base)).toBeNull();
    expect(cacheKey(undefined, base)).toBeNull();
  });

  it("keeps the key that caching wrote before policies existed (entries still hit)", () => {
    // sha256 of canonical {"code","inputs","language"}: the formula of agent/executor/run-task.ts
    // before this change.
    expect(cacheKey({}, base)).toBe(
      sha256(canonicalJson({ language: base.language, code: base.code, inputs: base.inputs })),
    );
  });
});
