import { describe, expect, it } from "vitest";
import type { LogBlock, ReportEvent } from "../../../contract/agent-protocol.ts";
import { boundReportTimes, MAX_AHEAD_MS } from "./report-times.ts";

const claimed = Date.parse("2026-11-30T12:00:00.000Z");
const now = claimed + 60_000;
const window = { notBefore: claimed, notAfter: now };
const iso = (ms: number) => new Date(ms).toISOString();
const block = (at: number, offsets: number[]): LogBlock => ({
  task: "extract",
  attempt: 1,
  level: "info",
  at,
  offsets,
  lines: offsets.map((o) => `line ${o}`),
});

describe("the times of an agent's report", () => {
  it("are kept as sent when they fall between the claim and now", () => {
    const events: ReportEvent[] = [
      { type: "flow", state: "Running", at: iso(claimed + 10) },
      { type: "task", task: "extract", state: "Running", attempt: 1, at: iso(claimed + 20) },
    ];
    const logs = [block(claimed + 30, [0, 5, 2])];
    const bounded = boundReportTimes(window, events, logs);
    expect(bounded.events).toEqual(events);
    expect(bounded.logs[0]).toBe(logs[0]);
  });

  it("move to the nearer edge of the window: no year 9999, nothing before the claim", () => {
    const bounded = boundReportTimes(
      window,
      [
        { type: "flow", state: "Running", at: "1970-01-01T00:00:00.000Z" },
        { type: "task", task: "extract", state: "Completed", attempt: 1, at: "9999-12-31T23:59:59.999Z" },
        { type: "log", task: null, attempt: null, level: "info", message: "x", at: "0000-01-01T00:00:00Z" },
      ],
      [],
    ); // prettier-ignore
    expect(bounded.events.map((e) => e.at)).toEqual([iso(claimed), iso(now), iso(claimed)]);
  });

  it("clamp each log line, keeping their order and offsets from the block's time", () => {
    // Starts before the claim, ends far in the future.
    const [early] = boundReportTimes(window, [], [block(claimed - 1_000, [0, 999, 1_500])]).logs;
    expect(early).toMatchObject({ at: claimed, offsets: [0, 0, 500] });
    const [late] = boundReportTimes(window, [], [block(now - 10, [0, 5, 2 ** 52])]).logs;
    expect(late).toMatchObject({ at: now - 10, offsets: [0, 5, 10] });
    const [future] = boundReportTimes(window, [], [block(8e15, [0, 1])]).logs;
    expect(future).toMatchObject({ at: now, offsets: [0, 0] });
  });

  it("keep announced future times (a next attempt, a cache expiry) within a year", () => {
    const [retrying, completed] = boundReportTimes(
      window,
      [
        { type: "task", task: "a", state: "Retrying", attempt: 1, at: iso(now - 5), nextAttemptAt: "9999-01-01T00:00:00.000Z" },
        { type: "task", task: "b", state: "Completed", attempt: 1, at: iso(now), result: 1, cache: { key: "k", expiresAt: iso(now + 3_600_000) } },
      ],
      [],
    ).events; // prettier-ignore
    expect(retrying).toMatchObject({ nextAttemptAt: iso(now + MAX_AHEAD_MS) });
    expect(completed).toMatchObject({ cache: { key: "k", expiresAt: iso(now + 3_600_000) } });
  });
});
