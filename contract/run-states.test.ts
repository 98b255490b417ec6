import { describe, expect, it } from "vitest";
import {
  canRetryFlowRun,
  canTransitionFlowRun,
  canTransitionTaskRun,
  displayFlowRunState,
  displayStateOf,
  FLOW_RUN_DISPLAY_STATES,
  FLOW_RUN_STATES,
  finalFlowRunStateProblem,
  flowRunOutcome,
  isFinalDisplayState,
  isFinalFlowRunState,
  isFinalTaskRunState,
  lateBefore,
  TASK_RUN_STATES,
  type FlowRunState,
  type TaskRunState,
} from "./run-states.ts";

// Every allowed transition, written out once more by hand: any change to the machine must
// change this table too, on purpose.
const FLOW_ALLOWED: Record<FlowRunState, FlowRunState[]> = {
  Scheduled: ["Pending", "Cancelled"],
  Pending: ["Running", "Scheduled", "Cancelling", "Crashed"],
  Running: ["Completed", "Failed", "Cancelling", "Crashed"],
  Cancelling: ["Cancelled", "Completed", "Failed"],
  Completed: [],
  Failed: ["Scheduled"],
  Cancelled: ["Scheduled"],
  Crashed: ["Scheduled"],
};

const TASK_ALLOWED: Record<TaskRunState, TaskRunState[]> = {
  Pending: ["Running", "Cached", "NotRun", "Cancelled", "Crashed"],
  Running: ["Completed", "Failed", "Retrying", "Cancelled", "Crashed", "NotRun"],
  Retrying: ["Running", "Cancelled", "Crashed"],
  Completed: [],
  Cached: [],
  Failed: ["Pending"],
  Cancelled: ["Pending"],
  Crashed: ["Pending"],
  NotRun: ["Pending"],
};

describe("flow-run transitions", () => {
  for (const from of FLOW_RUN_STATES) {
    for (const to of FLOW_RUN_STATES) {
      const allowed = FLOW_ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${allowed ? "allowed" : "refused"}`, () => {
        expect(canTransitionFlowRun(from, to)).toBe(allowed);
      });
    }
  }
});

describe("task-run transitions", () => {
  for (const from of TASK_RUN_STATES) {
    for (const to of TASK_RUN_STATES) {
      const allowed = TASK_ALLOWED[from].includes(to);
      it(`${from} → ${to} is ${allowed ? "allowed" : "refused"}`, () => {
        expect(canTransitionTaskRun(from, to)).toBe(allowed);
      });
    }
  }
});

describe("predicates", () => {
  it("knows the final states", () => {
    expect(FLOW_RUN_STATES.filter(isFinalFlowRunState)).toEqual([
      "Completed",
      "Failed",
      "Cancelled",
      "Crashed",
    ]);
    expect(TASK_RUN_STATES.filter(isFinalTaskRunState)).toEqual([
      "Completed",
      "Cached",
      "Failed",
      "Cancelled",
      "Crashed",
      "NotRun",
    ]);
    expect(isFinalDisplayState("Late")).toBe(false);
    expect(isFinalDisplayState("Crashed")).toBe(true);
  });

  it("fails a flow run when any task ended Failed, Crashed or NotRun", () => {
    expect(flowRunOutcome(["Completed", "Cached"])).toBe("Completed");
    expect(flowRunOutcome([])).toBe("Completed");
    expect(flowRunOutcome(["Completed", "NotRun"])).toBe("Failed");
    expect(flowRunOutcome(["Crashed"])).toBe("Failed");
    expect(flowRunOutcome(["Failed", "Completed"])).toBe("Failed");
  });

  it("retries a flow run only after a failure or crash, within its retries", () => {
    expect(canRetryFlowRun({ state: "Crashed", attempt: 1, maxRetries: 1 })).toBe(true);
    expect(canRetryFlowRun({ state: "Failed", attempt: 2, maxRetries: 1 })).toBe(false);
    expect(canRetryFlowRun({ state: "Cancelled", attempt: 1, maxRetries: 3 })).toBe(false);
    expect(canRetryFlowRun({ state: "Completed", attempt: 1, maxRetries: 3 })).toBe(false);
  });
});

describe("shown states", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000);
  const ctx = { queuePaused: false, now, lateAfterMs: 15_000 };

  it("shows a Scheduled run Late once it is past its start by the threshold", () => {
    expect(displayFlowRunState({ state: "Scheduled", scheduledAt: at(5) }, ctx)).toBe("Scheduled");
    expect(displayFlowRunState({ state: "Scheduled", scheduledAt: at(16) }, ctx)).toBe("Late");
    expect(displayFlowRunState({ state: "Running", scheduledAt: at(600) }, ctx)).toBe("Running");
  });

  it("shows a Scheduled run Paused while its queue is paused", () => {
    expect(
      displayFlowRunState(
        { state: "Scheduled", scheduledAt: at(600) },
        { ...ctx, queuePaused: true },
      ),
    ).toBe("Paused");
  });
});

describe("the shown-state rule", () => {
  it("reaches every shown state, and only those listed, from the stored facts", () => {
    const reached = new Set(
      FLOW_RUN_STATES.flatMap((state) =>
        [false, true].flatMap((queuePaused) =>
          [false, true].map((late) => displayStateOf({ state, queuePaused, late })),
        ),
      ),
    );
    expect([...reached].sort()).toEqual([...FLOW_RUN_DISPLAY_STATES].sort());
  });

  it("calls a run late strictly after the threshold", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    expect(lateBefore(now, 15_000).toISOString()).toBe("2026-01-01T11:59:45.000Z");
    const at = lateBefore(now, 15_000);
    const ctx = { queuePaused: false, now, lateAfterMs: 15_000 };
    expect(displayFlowRunState({ state: "Scheduled", scheduledAt: at }, ctx)).toBe("Scheduled");
    expect(
      displayFlowRunState({ state: "Scheduled", scheduledAt: new Date(at.getTime() - 1) }, ctx),
    ).toBe("Late");
  });
});

describe("the rule a run's end is checked by, against its tasks", () => {
  const tasks = (...states: TaskRunState[]) => states.map((state, i) => ({ name: `t${i}`, state }));

  it("takes only ends its tasks bear out", () => {
    expect(finalFlowRunStateProblem("Completed", tasks("Completed", "Cached"))).toBeNull();
    expect(finalFlowRunStateProblem("Failed", tasks("Completed", "Failed", "NotRun"))).toBeNull();
    expect(finalFlowRunStateProblem("Failed", tasks("Crashed"))).toBeNull();
    expect(finalFlowRunStateProblem("Cancelled", tasks("Completed", "Cancelled"))).toBeNull();
    expect(finalFlowRunStateProblem("Running", tasks("Pending", "Running"))).toBeNull();
  });

  it("refuses an end while a task has not ended, naming it", () => {
    for (const open of ["Pending", "Running", "Retrying"] as const) {
      for (const to of ["Completed", "Failed", "Cancelled"] as const) {
        expect(finalFlowRunStateProblem(to, tasks("Failed", open))).toBe(
          `task "t1" is still ${open} (a run ends only once all its tasks have)`,
        );
      }
    }
  });

  it("refuses Completed with a task that did not complete, and Failed with none that failed", () => {
    expect(finalFlowRunStateProblem("Completed", tasks("Completed", "NotRun"))).toBe(
      'task "t1" ended NotRun (Completed needs every task Completed or Cached)',
    );
    expect(finalFlowRunStateProblem("Completed", tasks("Cancelled"))).toContain('task "t0" ended');
    expect(finalFlowRunStateProblem("Failed", tasks("Completed", "Cancelled"))).toBe(
      "no task ended Failed, Crashed or NotRun (Failed needs one that did)",
    );
  });

  it("agrees with flowRunOutcome wherever every task completed or failed", () => {
    const ended = ["Completed", "Cached", "Failed", "Crashed", "NotRun"] as const;
    for (const a of ended) {
      for (const b of ended) {
        const outcome = flowRunOutcome([a, b]);
        expect(finalFlowRunStateProblem(outcome, tasks(a, b))).toBeNull();
        const other = outcome === "Completed" ? "Failed" : "Completed";
        expect(finalFlowRunStateProblem(other, tasks(a, b))).not.toBeNull();
      }
    }
  });
});

describe("the named state sets", () => {
  it("are the rules the machine states, each written once", async () => {
    const m = await import("./run-states.ts");
    expect(m.ACTIVE_FLOW_RUN_STATES).toEqual(["Pending", "Running", "Cancelling"]);
    expect(m.FINAL_FLOW_RUN_STATES).toEqual(["Completed", "Failed", "Cancelled", "Crashed"]);
    expect(m.UNFINISHED_FLOW_RUN_STATES).toEqual(["Scheduled", "Pending", "Running", "Cancelling"]);
    expect(m.OPEN_TASK_RUN_STATES).toEqual(["Pending", "Running", "Retrying"]);
    expect(m.SUCCESSFUL_TASK_RUN_STATES).toEqual(["Completed", "Cached"]);
    expect(m.RESTARTABLE_TASK_RUN_STATES).toEqual(["Failed", "Cancelled", "Crashed", "NotRun"]);
    expect(m.RETRYABLE_FLOW_RUN_STATES).toEqual(["Failed", "Crashed"]);
    expect(m.FAILED_FLOW_RUN_STATES).toEqual(["Failed", "Crashed"]);
    // Every active state is unfinished, and the retry's states may go back to the initial one.
    for (const s of m.ACTIVE_FLOW_RUN_STATES) expect(m.isFinalFlowRunState(s)).toBe(false);
    for (const s of m.RETRYABLE_FLOW_RUN_STATES) {
      expect(m.canTransitionFlowRun(s, m.INITIAL_FLOW_RUN_STATE)).toBe(true);
    }
    for (const s of m.FAILING_TASK_RUN_STATES) expect(m.isFinalTaskRunState(s)).toBe(true);
  });
});
