import { describe, expect, it } from "vitest";
import { taskAttempts, type TaskStateEvent } from "./task-attempts.ts";

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 12, 0, s));
const event = (to: TaskStateEvent["to"], attempt: number, s: number, error: unknown = null) => ({
  to,
  attempt,
  at: at(s),
  message: null,
  error,
});

describe("a task's attempts from its state history", () => {
  it("opens an attempt on Running and closes it with its outcome and error", () => {
    const boom = { type: "ValueError", message: "boom", traceback: "Traceback…" };
    const { attempts, moments } = taskAttempts([
      event("Running", 1, 1),
      event("Retrying", 1, 2, boom),
      event("Running", 2, 5),
      event("Completed", 2, 7),
    ]);
    expect(moments).toEqual([]);
    expect(attempts).toEqual([
      {
        n: 1,
        state: "Retrying",
        startedAt: at(1).toISOString(),
        endedAt: at(2).toISOString(),
        error: boom,
      },
      {
        n: 2,
        state: "Completed",
        startedAt: at(5).toISOString(),
        endedAt: at(7).toISOString(),
        error: null,
      },
    ]);
  });

  it("keeps an attempt under way open, and numbering across a flow-level retry", () => {
    const { attempts } = taskAttempts([
      event("Running", 1, 1),
      event("Failed", 1, 2, { type: "E", message: "x" }),
      event("Pending", 1, 3),
      event("Running", 2, 4),
    ]);
    expect(attempts.map((a) => [a.n, a.state, a.endedAt])).toEqual([
      [1, "Failed", at(2).toISOString()],
      [2, "Running", null],
    ]);
  });

  it("shows Cached, NotRun and a cancel before the start as moments, not attempts", () => {
    expect(taskAttempts([event("Cached", 0, 1)]).moments).toMatchObject([{ state: "Cached" }]);
    expect(taskAttempts([event("NotRun", 0, 1)])).toMatchObject({
      attempts: [],
      moments: [{ state: "NotRun" }],
    });
    expect(taskAttempts([event("Cancelled", 0, 1)]).moments).toMatchObject([
      { state: "Cancelled" },
    ]);
  });
});
