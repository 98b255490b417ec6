import { describe, expect, it } from "vitest";
import { notificationText, runPayload, type RunFacts } from "./message.ts";

const run: RunFacts = {
  id: "1a2b3c4d-0000-4000-8000-000000000000",
  flow: "etl",
  deployment: "nightly",
  state: "Failed",
  startedAt: new Date("2026-12-01T00:00:00Z"),
  endedAt: new Date("2026-12-01T00:01:05Z"),
  cause: "Task load failed:\n  KeyError <'id'> & more",
};
const url = "http://pipebook.example/runs/1a2b3c4d-0000-4000-8000-000000000000";
const now = new Date("2026-12-01T00:02:00Z");

describe("a notification's text", () => {
  it.each([
    [
      "failed",
      `❌ Run 1a2b3c4d of etl/nightly failed: Task load failed: KeyError &lt;'id'&gt; &amp; more ${url}`,
    ],
    [
      "crashed",
      `💥 Run 1a2b3c4d of etl/nightly crashed: Task load failed: KeyError &lt;'id'&gt; &amp; more ${url}`,
    ],
    ["completed", `✅ Run 1a2b3c4d of etl/nightly completed in 1 min 5 s ${url}`],
  ] as const)("%s: one Slack-safe line", (event, text) => {
    expect(notificationText(event, run, { url, now })).toBe(text);
  });

  it("a long-running run says how long, against the rule's limit", () => {
    const running = { ...run, state: "Running", endedAt: null, cause: null };
    expect(notificationText("longRunning", running, { url, now, longerThanMinutes: 1 })).toBe(
      `⏳ Run 1a2b3c4d of etl/nightly has been running for 2 min 0 s (longer than 1 min) ${url}`,
    );
  });

  it("a long cause is cut, so the line stays a line", () => {
    const text = notificationText("failed", { ...run, cause: "x".repeat(5000) }, { url, now });
    expect(text.length).toBeLessThan(450);
    expect(text).not.toContain("\n");
  });

  it("the payload carries the run's facts and the delivery id receivers can drop repeats by", () => {
    const payload = runPayload({
      deliveryId: "d1",
      event: "failed",
      run,
      rule: { id: "r1", name: "ops", longerThanMinutes: null },
      baseUrl: "http://pipebook.example/",
      now,
    });
    expect(payload).toMatchObject({
      event: "failed",
      deliveryId: "d1",
      run: { url, flow: "etl", deployment: "nightly", durationMs: 65_000, state: "Failed" },
      rule: { id: "r1", name: "ops" },
    });
  });
});
