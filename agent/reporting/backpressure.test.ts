import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Backpressure } from "./backpressure.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("backpressure from reports to task output", () => {
  it("holds output while reports are behind, and lets it go once they caught up", () => {
    const gate = new Backpressure();
    const output = new PassThrough();
    output.resume();
    gate.add(100_000);
    gate.check(output);
    expect(output.isPaused()).toBe(true);
    gate.add(-70_000);
    expect(output.isPaused()).toBe(false);
  });

  it("opens while the server has been away for 5 s, so tasks go on printing; closes when it is back", () => {
    vi.useFakeTimers();
    const gate = new Backpressure();
    const reporter = {};
    const output = new PassThrough();
    output.resume();
    gate.add(150_000);
    gate.check(output);
    expect(output.isPaused()).toBe(true);
    gate.reportFailing(reporter, true);
    vi.advanceTimersByTime(4_000);
    gate.reportFailing(reporter, true);
    expect(output.isPaused()).toBe(true);
    vi.advanceTimersByTime(1_500);
    gate.reportFailing(reporter, true);
    expect(output.isPaused()).toBe(false);
    gate.check(output);
    expect(output.isPaused()).toBe(false);
    gate.reportFailing(reporter, false);
    gate.check(output);
    expect(output.isPaused()).toBe(true);
  });
});
