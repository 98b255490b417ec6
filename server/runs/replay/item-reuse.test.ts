import { describe, expect, it } from "vitest";
import type { Task } from "../../../contract/flow-file/schema.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import type { SourceItems } from "./item-reuse.ts";
import { planReplayTasks, type ReplayMode, type ReplaySource } from "./plan-replay.ts";

const RUN = "11111111-aaaa-4aaa-8aaa-111111111111";

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

// list → fetch (mapped over list's result) → total; other is independent.
const V1 = [
  task("list"),
  task("fetch", ["list"], { map: "list" }),
  task("total", ["fetch"]),
  task("other"),
];

const ran = (name: string, state: TaskRunState, items?: SourceItems) => ({
  name,
  state,
  hasResult: state === "Completed" || state === "Cached",
  resultFromRunId: null,
  ...(items ? { items } : {}),
});

/** A run in which 2 of fetch's 10 items failed, so fetch Failed and total did not run. */
const source = (over: Partial<ReplaySource> = {}): ReplaySource => ({
  id: RUN,
  state: "Failed",
  cellTask: null,
  flow: "stars",
  version: 1,
  tasks: V1,
  taskRuns: [
    ran("list", "Completed"),
    ran("fetch", "Failed", { count: 10, kept: 8 }),
    ran("total", "NotRun"),
    ran("other", "Completed"),
  ],
  ...over,
});

function plan(
  mode: ReplayMode,
  from: ReplaySource = source(),
  target = { version: from.version, tasks: from.tasks },
  changedParameters: string[] = [],
) {
  return planReplayTasks({ mode, source: from, target, changedParameters });
}

const fetchOf = (p: ReturnType<typeof plan>) => p.tasks.find((t) => t.name === "fetch")!;

describe("a replay of a mapped task keeps its completed items", () => {
  it("Retry from failure re-runs only the items that did not complete, and the downstream whole", () => {
    const p = plan({ kind: "fromFailure" });
    expect(p.rerun).toEqual(["fetch", "total"]);
    expect(p.reused.map((r) => r.task)).toEqual(["list", "other"]);
    expect(p.reusedItems).toEqual([{ task: "fetch", items: 8 }]);
    expect(fetchOf(p)).toEqual({
      name: "fetch",
      action: "rerun",
      reason: "notCompleted",
      detail: "Failed in run 11111111: 2 of 10 items run again, 8 reused",
      fromRun: null,
      items: { reuse: 8, rerun: 2 },
    });
    expect(p.tasks.find((t) => t.name === "total")).not.toHaveProperty("items");
  });

  it("Retry runs every item again", () => {
    const p = plan({ kind: "retry" });
    expect(p.reusedItems).toEqual([]);
    expect(fetchOf(p)).not.toHaveProperty("items");
  });

  it("a changed task, changed parameters or an upstream that re-runs make every item run again", () => {
    const changed = V1.map((t) =>
      t.name === "fetch" ? { ...t, code: "def main(list):\n    return 2\n" } : t,
    );
    expect(
      plan({ kind: "fromFailure" }, source(), { version: 2, tasks: changed }).reusedItems,
    ).toEqual([]);
    // Only how it runs changed (more items at once): the kept items stand.
    const faster = V1.map((t) => (t.name === "fetch" ? { ...t, mapConcurrency: 32 } : t));
    expect(
      plan({ kind: "fromFailure" }, source(), { version: 2, tasks: faster }).reusedItems,
    ).toEqual([{ task: "fetch", items: 8 }]);
    expect(plan({ kind: "fromFailure" }, source(), undefined, ["repos"]).reusedItems).toEqual([]);
    const fromList = plan({ kind: "fromTask", task: "list" });
    expect(fromList.rerun).toEqual(["list", "fetch", "total"]);
    expect(fromList.reusedItems).toEqual([]);
    expect(fetchOf(fromList)).toMatchObject({ reason: "notCompleted" });
    expect(fetchOf(fromList)).not.toHaveProperty("items");
  });

  it("Run from here on the mapped task keeps its completed items — unless all of them completed", () => {
    expect(plan({ kind: "fromTask", task: "fetch" }).reusedItems).toEqual([
      { task: "fetch", items: 8 },
    ]);
    const whole = source({
      state: "Completed",
      taskRuns: [
        ran("list", "Completed"),
        ran("fetch", "Completed", { count: 10, kept: 10 }),
        ran("total", "Completed"),
        ran("other", "Completed"),
      ],
    });
    const p = plan({ kind: "fromTask", task: "fetch" }, whole);
    expect(p.rerun).toEqual(["fetch", "total"]);
    expect(p.reusedItems).toEqual([]);
    // And Retry from failure has nothing to replay in it.
    expect(() => plan({ kind: "fromFailure" }, whole)).toThrow(
      /there is no failure to replay from/,
    );
  });

  it("a mapFailure: continue task that completed with failed items counts as a failure to replay", () => {
    const continued = V1.map((t) =>
      t.name === "fetch" ? { ...t, mapFailure: "continue" as const } : t,
    );
    const completed = source({
      state: "Completed",
      tasks: continued,
      taskRuns: [
        ran("list", "Completed"),
        ran("fetch", "Completed", { count: 10, kept: 7 }),
        ran("total", "Completed"),
        ran("other", "Completed"),
      ],
    });
    const p = plan({ kind: "fromFailure" }, completed);
    expect(p.rerun).toEqual(["fetch", "total"]);
    expect(fetchOf(p)).toMatchObject({
      reason: "notCompleted",
      detail:
        "Completed with 3 of 10 items not completed in run 11111111: 3 of 10 items run again, 7 reused",
      items: { reuse: 7, rerun: 3 },
    });
    // Run from here downstream of it runs its failed items again too: its result was partial.
    expect(plan({ kind: "fromTask", task: "total" }, completed).reusedItems).toEqual([
      { task: "fetch", items: 7 },
    ]);
  });

  it("a crashed task whose items all completed keeps them all; one with none kept has nothing to keep", () => {
    const crashed = (kept: number) =>
      source({
        state: "Crashed",
        taskRuns: [
          ran("list", "Completed"),
          ran("fetch", "Crashed", { count: 10, kept }),
          ran("total", "Pending"),
          ran("other", "Completed"),
        ],
      });
    expect(fetchOf(plan({ kind: "fromFailure" }, crashed(10)))).toMatchObject({
      items: { reuse: 10, rerun: 0 },
    });
    const none = plan({ kind: "fromFailure" }, crashed(0));
    expect(none.reusedItems).toEqual([]);
    expect(fetchOf(none)).not.toHaveProperty("items");
  });
});
