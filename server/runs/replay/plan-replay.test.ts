import { describe, expect, it } from "vitest";
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import {
  planReplayTasks,
  replayMode,
  type ReplayMode,
  type ReplaySource,
  type SourceTaskRun,
} from "./plan-replay.ts";

const RUN = "11111111-aaaa-4aaa-8aaa-111111111111";
const FIRST = "22222222-bbbb-4bbb-8bbb-222222222222";

function task(name: string, dependsOn: string[] = [], over: Partial<Task> = {}): Task {
  return {
    name,
    language: "python",
    code: `def main():\n    return "${name}"\n`,
    dependsOn,
    retries: 0,
    retryDelaySeconds: 0,
    retryBackoff: "none",
    ...over,
  };
}

// extract → clean → report ← stats (stats is independent of extract and clean).
const V1 = [
  task("extract"),
  task("clean", ["extract"]),
  task("stats"),
  task("report", ["clean", "stats"]),
];

const ran = (name: string, state: TaskRunState, over: Partial<SourceTaskRun> = {}) => ({
  name,
  state,
  hasResult: state === "Completed" || state === "Cached",
  resultFromRunId: null,
  ...over,
});

/** A run of V1 in which clean failed, so report did not run. */
const failedRun = (over: Partial<ReplaySource> = {}): ReplaySource => ({
  id: RUN,
  state: "Failed",
  cellTask: null,
  flow: "etl",
  version: 1,
  tasks: V1,
  taskRuns: [
    ran("extract", "Completed"),
    ran("clean", "Failed"),
    ran("stats", "Completed"),
    ran("report", "NotRun"),
  ],
  ...over,
});

const completedRun = (over: Partial<ReplaySource> = {}) =>
  failedRun({
    state: "Completed",
    taskRuns: V1.map((t) => ran(t.name, "Completed")),
    ...over,
  });

function plan(
  mode: ReplayMode,
  source: ReplaySource,
  target = { version: source.version, tasks: source.tasks },
  changedParameters: string[] = [],
) {
  return planReplayTasks({ mode, source, target, changedParameters });
}

const reasons = (p: ReturnType<typeof plan>) =>
  Object.fromEntries(p.tasks.map((t) => [t.name, t.reason ?? `reuse ${t.fromRun}`]));

describe("planning a replay: which tasks re-run", () => {
  it("retry from failure re-runs the failed task and its downstream, and reuses the rest", () => {
    const p = plan({ kind: "fromFailure" }, failedRun());
    expect(p.rerun).toEqual(["clean", "report"]);
    expect(p.reused).toEqual([
      { task: "extract", fromRun: RUN },
      { task: "stats", fromRun: RUN },
    ]);
    expect(p.tasks).toEqual([
      {
        name: "extract",
        action: "reuse",
        reason: null,
        detail: "result of run 11111111",
        fromRun: RUN,
      },
      {
        name: "clean",
        action: "rerun",
        reason: "notCompleted",
        detail: "Failed in run 11111111",
        fromRun: null,
      },
      {
        name: "stats",
        action: "reuse",
        reason: null,
        detail: "result of run 11111111",
        fromRun: RUN,
      },
      {
        name: "report",
        action: "rerun",
        reason: "notCompleted",
        detail: "NotRun in run 11111111",
        fromRun: null,
      },
    ]);
  });

  it("a task downstream of a re-run task re-runs even though it completed", () => {
    const source = failedRun({
      taskRuns: [
        ran("extract", "Completed"),
        ran("clean", "Completed"),
        ran("stats", "Failed"),
        ran("report", "Completed"),
      ],
    });
    const p = plan({ kind: "fromFailure" }, source);
    expect(p.rerun).toEqual(["stats", "report"]);
    expect(p.tasks.find((t) => t.name === "report")).toMatchObject({
      reason: "downstream",
      detail: "downstream of stats",
    });
  });

  it("Crashed, Cancelled and NotRun tasks have no result to reuse", () => {
    const source = failedRun({
      state: "Crashed",
      taskRuns: [
        ran("extract", "Crashed"),
        ran("clean", "NotRun"),
        ran("stats", "Cancelled"),
        ran("report", "NotRun"),
      ],
    });
    expect(plan({ kind: "fromFailure" }, source).reused).toEqual([]);
  });

  it("a Completed task whose result was not kept runs again", () => {
    const source = completedRun({
      taskRuns: [
        ran("extract", "Completed", { hasResult: false }),
        ran("clean", "Completed"),
        ran("stats", "Completed"),
        ran("report", "Completed"),
      ],
    });
    const p = plan({ kind: "fromFailure" }, source);
    expect(p.rerun).toEqual(["extract", "clean", "report"]);
    expect(p.tasks[0]).toMatchObject({ detail: "Completed but no result kept in run 11111111" });
  });

  it("retry re-runs every task, also on a completed run", () => {
    const p = plan({ kind: "retry" }, completedRun());
    expect(p.rerun).toEqual(["extract", "clean", "stats", "report"]);
    expect(p.reused).toEqual([]);
    expect(new Set(p.tasks.map((t) => t.reason))).toEqual(new Set(["retry"]));
  });

  it("run from here re-runs that task and its downstream only", () => {
    const p = plan({ kind: "fromTask", task: "clean" }, completedRun());
    expect(p.rerun).toEqual(["clean", "report"]);
    expect(reasons(p)).toEqual({
      extract: `reuse ${RUN}`,
      clean: "fromTask",
      stats: `reuse ${RUN}`,
      report: "downstream",
    });
    expect(plan({ kind: "fromTask", task: "report" }, completedRun()).rerun).toEqual(["report"]);
  });

  it("run from here also re-runs what did not complete in the replayed run", () => {
    const p = plan({ kind: "fromTask", task: "stats" }, failedRun());
    expect(p.rerun).toEqual(["clean", "stats", "report"]);
  });

  it("a replay of a replay reuses the original producer's result, not the replay's copy", () => {
    const source = failedRun({
      taskRuns: [
        ran("extract", "Cached", { resultFromRunId: FIRST }),
        ran("clean", "Completed"),
        ran("stats", "Cached", { resultFromRunId: FIRST }),
        ran("report", "Failed"),
      ],
    });
    const p = plan({ kind: "fromTask", task: "clean" }, source);
    expect(p.reused).toEqual([
      { task: "extract", fromRun: FIRST },
      { task: "stats", fromRun: FIRST },
    ]);
    expect(p.tasks[0]!.detail).toBe("result of run 22222222");
  });
});

describe("planning a replay on a later version", () => {
  const v2 = (tasks: Task[]) => ({ version: 2, tasks });

  it("a failed task that was fixed re-runs; unchanged completed upstream tasks are reused", () => {
    const fixed = V1.map((t) =>
      t.name === "clean" ? { ...t, code: "def main():\n    return 1\n" } : t,
    );
    const p = plan({ kind: "fromFailure" }, failedRun(), v2(fixed));
    expect(p.rerun).toEqual(["clean", "report"]);
    expect(p.reused.map((r) => r.task)).toEqual(["extract", "stats"]);
  });

  it("a completed task whose code, language or dependencies changed re-runs with its downstream", () => {
    const changed = [
      task("extract", [], { code: "def main():\n    return 2\n" }),
      task("clean", ["extract"]),
      task("stats", [], { language: "shell", code: 'echo "stats"' }),
      task("report", ["clean", "stats"]),
    ];
    const p = plan({ kind: "fromFailure" }, completedRun(), v2(changed));
    expect(p.rerun).toEqual(["extract", "clean", "stats", "report"]);
    expect(p.tasks.map((t) => t.detail)).toEqual([
      "code changed in v2",
      "downstream of extract",
      "language, code changed in v2",
      "downstream of clean",
    ]);
    const rewired = [
      task("extract"),
      task("stats"),
      task("clean", ["extract", "stats"]),
      task("report", ["clean", "stats"]),
    ];
    expect(plan({ kind: "fromFailure" }, completedRun(), v2(rewired)).tasks[2]).toMatchObject({
      name: "clean",
      reason: "changed",
      detail: "dependsOn changed in v2",
    });
  });

  it("retries, delays, timeouts, cache policy and the order of dependsOn leave results valid", () => {
    const tuned = [
      task("extract", [], { retries: 3, retryDelaySeconds: [1, 5], retryBackoff: "exponential" }),
      task("clean", ["extract"], {
        timeoutSeconds: 30,
        cache: { key: "inputs" },
        retryJitter: 0.2,
      }),
      task("stats"),
      task("report", ["stats", "clean"]),
    ];
    expect(() => plan({ kind: "fromFailure" }, completedRun(), v2(tuned))).toThrow(
      "every task of run 11111111-aaaa-4aaa-8aaa-111111111111 completed and v2 changes none of them",
    );
    expect(plan({ kind: "fromTask", task: "report" }, completedRun(), v2(tuned)).rerun).toEqual([
      "report",
    ]);
  });

  it("a task new in the version re-runs, with its downstream", () => {
    const grown = [...V1, task("audit", ["extract"]), task("publish", ["audit"])];
    const p = plan({ kind: "fromFailure" }, completedRun(), v2(grown));
    expect(p.rerun).toEqual(["audit", "publish"]);
    expect(p.tasks.find((t) => t.name === "audit")).toMatchObject({
      reason: "new",
      detail: "new in v2",
    });
  });

  it("a task removed in the version is left out; the tasks that depended on it re-run", () => {
    const shrunk = [task("extract"), task("clean", ["extract"]), task("report", ["clean"])];
    const p = plan({ kind: "fromTask", task: "clean" }, completedRun(), v2(shrunk));
    expect(p.tasks.map((t) => t.name)).toEqual(["extract", "clean", "report"]);
    expect(p.rerun).toEqual(["clean", "report"]);
  });

  it("changed parameters re-run every task: each receives the flow's parameters", () => {
    const p = plan({ kind: "fromTask", task: "report" }, completedRun(), undefined, ["limit"]);
    expect(p.rerun).toEqual(["extract", "clean", "stats", "report"]);
    expect(p.tasks[0]).toMatchObject({ reason: "parameters", detail: "parameters changed: limit" });
    expect(p.tasks[3]).toMatchObject({ reason: "fromTask" });
  });
});

describe("refusals", () => {
  it("a run that has not ended cannot be replayed (409)", () => {
    for (const state of ["Running", "Scheduled", "Pending", "Cancelling"] as const) {
      expect(() => plan({ kind: "retry" }, failedRun({ state }))).toThrow(
        expect.objectContaining({
          code: "invalid_state",
          message: `flow run ${RUN} is ${state}: cancel it or wait for it to end, then replay it`,
        }),
      );
    }
  });

  it("a notebook cell run is replayed with Run cell in the editor", () => {
    expect(() => plan({ kind: "fromFailure" }, failedRun({ cellTask: "clean" }))).toThrow(
      expect.objectContaining({
        code: "bad_request",
        message: expect.stringContaining(
          `flow run ${RUN} is a notebook cell run (task "clean"): replay it with Run cell in the editor`,
        ),
      }),
    );
  });

  it("run from a task the version lacks names the closest task and the ones it has", () => {
    expect(() => plan({ kind: "fromTask", task: "claen" }, completedRun())).toThrow(
      expect.objectContaining({
        code: "bad_request",
        message:
          'flow "etl" v1 has no task "claen" (did you mean "clean"?): run from one of its tasks (extract, clean, stats, report)',
      }),
    );
    const renamed = V1.map((t) => (t.name === "stats" ? { ...t, name: "stats2" } : t));
    expect(() =>
      plan({ kind: "fromTask", task: "stats" }, completedRun(), { version: 3, tasks: renamed }),
    ).toThrow('flow "etl" v3 has no task "stats" (did you mean "stats2"?)');
  });

  it("retry from failure with nothing that failed says to use Retry", () => {
    expect(() => plan({ kind: "fromFailure" }, completedRun())).toThrow(
      expect.objectContaining({
        code: "bad_request",
        message: `every task of run ${RUN} completed: there is no failure to replay from; use Retry to run the whole flow again`,
      }),
    );
  });

  it("retry from failure refuses a version that no longer has the failed task", () => {
    const renamed = V1.map((t) =>
      t.name === "clean"
        ? { ...t, name: "cleaned" }
        : t.name === "report"
          ? task("report", ["cleaned", "stats"])
          : t,
    );
    expect(() =>
      plan({ kind: "fromFailure" }, failedRun(), { version: 2, tasks: renamed }),
    ).toThrow(
      expect.objectContaining({
        code: "bad_request",
        message: `task "clean" ended Failed in run ${RUN}, but flow "etl" v2 no longer has it (renamed to "cleaned"?): replay on the run's own version, Retry to run v2 whole, or Run from here on one of its tasks`,
      }),
    );
    // Retry and Run from here still work on that version.
    expect(plan({ kind: "retry" }, failedRun(), { version: 2, tasks: renamed }).rerun).toHaveLength(
      4,
    );
  });

  it("the task belongs to Run from here only", () => {
    expect(() => replayMode("fromTask", undefined)).toThrow(
      'Run from here needs the task to run from: pass "task"',
    );
    expect(() => replayMode("retry", "clean")).toThrow(
      '"task" belongs to Run from here (kind fromTask) only; Retry takes none',
    );
    expect(replayMode("fromTask", "clean")).toEqual({ kind: "fromTask", task: "clean" });
    expect(replayMode("fromFailure", undefined)).toEqual({ kind: "fromFailure" });
  });
});
