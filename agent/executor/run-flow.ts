// Executing a flow run: tasks start as soon as everything they depend on has completed, up to
// `taskConcurrency` at once. When a task fails for good, everything downstream of it ends NotRun
// (its cause naming the upstream task) while independent branches go on. A cancel stops the
// running tasks and marks the rest Cancelled. The run ends Completed, Failed or Cancelled.
// A mapped task (./mapping/) counts as one task here, however many items it runs; a task chained
// item by item to a mapped upstream starts as soon as that upstream knows its items.
import type {
  ClaimedRun,
  ExecutableTask,
  MapFailure,
  TaskError,
} from "../../contract/agent-protocol.ts";
import { chainPlan, isMapped } from "../../contract/flow-file/mapping.ts";
import {
  flowRunOutcome,
  isSuccessfulTaskRunState,
  type TaskRunState,
} from "../../contract/run-states.ts";
import { StoredValue } from "../storage/stored-value.ts";
import { taskInputs } from "./binding.ts";
import { notRunEvent, now, type EventSink } from "./events.ts";
import { MapProgress } from "./mapping/map-progress.ts";
import { runMappedTask } from "./mapping/run-mapped-task.ts";
import { runTask } from "./run-task.ts";
import type { TaskEnvironment } from "./task-environment.ts";

export type FlowEnd = "Completed" | "Failed" | "Cancelled";

type Done = Exclude<TaskRunState, "Pending" | "Running" | "Retrying">;

export async function executeFlowRun(
  env: TaskEnvironment & { taskConcurrency: number },
): Promise<FlowEnd> {
  const { run, sink, signal } = env;
  sink.push({ type: "flow", state: "Running", at: now() });

  const done = new Map<string, Done>();
  const results = new Map<string, unknown>();
  const failures = new Map<string, MapFailure[]>();
  for (const [name, completed] of Object.entries(run.completed)) {
    done.set(name, completed.state);
    // A large result stays where it is until a task reads it (agent/storage/).
    results.set(name, completed.stored ? new StoredValue(completed.stored) : completed.result);
    if (completed.failures) failures.set(name, completed.failures);
  }
  const pending = run.tasks.filter((t) => !done.has(t.name));
  const running = new Map<string, Promise<void>>();

  // Mapped tasks that run in this attempt, and which of them each task follows item by item.
  const progress = new Map(pending.filter(isMapped).map((t) => [t.name, new MapProgress()]));
  const ends = new Map<string, { promise: Promise<Done>; resolve: (state: Done) => void }>();
  for (const name of progress.keys()) {
    let resolve!: (state: Done) => void;
    ends.set(name, { promise: new Promise<Done>((r) => (resolve = r)), resolve });
  }
  const chained = new Map(
    [...chainPlan(pending)].map(([name, sources]) => [
      name,
      sources.filter((source) => progress.has(source)),
    ]),
  );
  const settled = (name: string, state: Done) => {
    done.set(name, state);
    ends.get(name)?.resolve(state);
    if (state !== "Completed" && state !== "Cached") progress.get(name)?.abandon();
  };
  // Wakes the loop when a mapped task knows its items (a chained task may start then).
  let wake: () => void = () => undefined;

  const start = (task: ExecutableTask) => {
    const inputs = taskInputs(run.parameters, task.dependsOn, results, failures);
    const mine = progress.get(task.name);
    const promise = mine
      ? (() => {
          void mine.count.then(() => wake());
          return runMappedTask(env, task, inputs, {
            progress: mine,
            chained: new Map(
              (chained.get(task.name) ?? []).map((source) => [
                source,
                { progress: progress.get(source)!, end: ends.get(source)!.promise },
              ]),
            ),
            prior: run.items[task.name],
            priorAttempts: run.priorAttempts[task.name] ?? 0,
            concurrency: task.mapConcurrency ?? env.taskConcurrency,
          }).then((end) => {
            if (end.state === "Completed") {
              results.set(task.name, end.result);
              if (end.failures) failures.set(task.name, end.failures);
            }
            return end.state;
          });
        })()
      : runTask(env, task, inputs, run.priorAttempts[task.name] ?? 0).then((end) => {
          if (end.state === "Completed" || end.state === "Cached") {
            results.set(task.name, end.result);
          }
          return end.state;
        });
    running.set(
      task.name,
      promise.then((state) => {
        settled(task.name, state);
        running.delete(task.name);
      }),
    );
  };

  // A dependency is met when it completed — or, for a task chained to it, once it knows its items.
  const met = (task: ExecutableTask, dependency: string) =>
    isSuccessfulTaskRunState(done.get(dependency) ?? "Pending") ||
    (!done.has(dependency) &&
      (chained.get(task.name)?.includes(dependency) ?? false) &&
      (progress.get(dependency)?.expanded ?? false));

  const cancelled = aborted(signal);
  for (;;) {
    if (signal.aborted) break;
    for (const name of skipDownstreamOfFailures(pending, done, sink, run)) settled(name, "NotRun");
    for (const task of [...pending]) {
      if (running.size >= env.taskConcurrency) break;
      if (task.dependsOn.every((d) => met(task, d))) {
        pending.splice(pending.indexOf(task), 1);
        start(task);
      }
    }
    if (running.size === 0) break;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    await Promise.race([...running.values(), cancelled, woken]);
  }

  if (signal.aborted) {
    // Running tasks kill their processes and report Cancelled themselves.
    await Promise.all(running.values());
    for (const task of pending) {
      settled(task.name, "Cancelled");
      sink.push({
        type: "task",
        task: task.name,
        state: "Cancelled",
        at: now(),
        attempt: run.priorAttempts[task.name] ?? 0,
        error: {
          type: "Cancelled",
          message: "The flow run was cancelled before this task started",
        },
      });
    }
    sink.push({
      type: "flow",
      state: "Cancelled",
      at: now(),
      message: "Cancelled: the tasks were stopped",
    });
    return "Cancelled";
  }

  const outcome = flowRunOutcome([...done.values()]);
  if (outcome === "Completed") {
    sink.push({ type: "flow", state: "Completed", at: now() });
  } else {
    const failed = run.tasks.filter((t) => done.get(t.name) === "Failed").map((t) => t.name);
    const notRun = run.tasks.filter((t) => done.get(t.name) === "NotRun").length;
    const message = `task${failed.length > 1 ? "s" : ""} ${failed.map((f) => `"${f}"`).join(", ")} failed${notRun ? `; ${notRun} downstream task${notRun > 1 ? "s" : ""} did not run` : ""}`;
    sink.push({
      type: "flow",
      state: "Failed",
      at: now(),
      message,
      error: { type: "TaskFailed", message },
    });
  }
  return outcome;
}

/** Pending tasks with an upstream that ended without a result never start: NotRun. Returns them. */
function skipDownstreamOfFailures(
  pending: ExecutableTask[],
  done: Map<string, Done>,
  sink: EventSink,
  run: ClaimedRun,
): string[] {
  const skipped: string[] = [];
  // Repeat until stable: skipping one task can doom the tasks below it.
  for (let changed = true; changed;) {
    changed = false;
    for (const task of [...pending]) {
      const upstream = task.dependsOn.find((d) => {
        const state = done.get(d);
        return state !== undefined && state !== "Completed" && state !== "Cached";
      });
      if (upstream === undefined) continue;
      const upstreamState = done.get(upstream)!;
      const error: TaskError = {
        type: "UpstreamNotCompleted",
        message:
          upstreamState === "NotRun"
            ? `did not run: upstream task "${upstream}" did not run`
            : `did not run: upstream task "${upstream}" ${upstreamState === "Failed" ? "failed" : `was ${upstreamState}`}`,
        upstream,
      };
      sink.push(notRunEvent(task.name, run.priorAttempts[task.name] ?? 0, error));
      done.set(task.name, "NotRun");
      skipped.push(task.name);
      pending.splice(pending.indexOf(task), 1);
      changed = true;
    }
  }
  return skipped;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
