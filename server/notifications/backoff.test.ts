import { describe, expect, it } from "vitest";
import { GIVE_UP_AFTER_MS, MAX_DELAY_MS, nextAttemptAt, retryDelayMs } from "./backoff.ts";

describe("a failed delivery's backoff", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [9, 256_000],
    [10, MAX_DELAY_MS],
    [500, MAX_DELAY_MS],
  ])("after attempt %i waits %i ms", (attempts, ms) => {
    expect(retryDelayMs(attempts)).toBe(ms);
  });

  it("gives up once the next attempt would come more than a day after the delivery was made", () => {
    const created = new Date("2026-12-01T00:00:00Z");
    const late = new Date(created.getTime() + GIVE_UP_AFTER_MS - 60_000);
    expect(nextAttemptAt(created, 3, late)?.getTime()).toBe(late.getTime() + 4000);
    expect(nextAttemptAt(created, 30, late)).toBeNull();
  });
});
