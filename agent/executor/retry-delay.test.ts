import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry-delay.ts";

const policy = (over: Partial<Parameters<typeof retryDelayMs>[0]> = {}) => ({
  retryDelaySeconds: 2 as number | number[],
  retryBackoff: "none" as "none" | "exponential",
  retryJitter: undefined as number | undefined,
  ...over,
});

describe("retry delays", () => {
  it("uses the one delay for every retry", () => {
    expect([1, 2, 3].map((r) => retryDelayMs(policy(), r))).toEqual([2000, 2000, 2000]);
  });

  it("takes one delay per retry from a list, repeating the last", () => {
    const task = policy({ retryDelaySeconds: [1, 10, 60] });
    expect([1, 2, 3, 4].map((r) => retryDelayMs(task, r))).toEqual([1000, 10_000, 60_000, 60_000]);
  });

  it("doubles per retry with exponential backoff", () => {
    const task = policy({ retryDelaySeconds: 1.5, retryBackoff: "exponential" });
    expect([1, 2, 3, 4].map((r) => retryDelayMs(task, r))).toEqual([1500, 3000, 6000, 12_000]);
  });

  it("varies by up to ±jitter", () => {
    const task = policy({ retryDelaySeconds: 10, retryJitter: 0.2 });
    expect(retryDelayMs(task, 1, () => 0)).toBe(8000);
    expect(retryDelayMs(task, 1, () => 1)).toBe(12_000);
    expect(retryDelayMs(task, 1, () => 0.5)).toBe(10_000);
  });

  it("is zero by default", () => {
    expect(retryDelayMs(policy({ retryDelaySeconds: 0 }), 1)).toBe(0);
  });
});
