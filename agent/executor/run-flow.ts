// Executing a flow run: tasks start as soon as everything they depend on has completed, up to
// `taskConcurrency` at once. When a task fails for good, everything downstream of it ends NotRun
// (its cause naming the upstream task) while independent branches go on. A cancel stops the
// running tasks and marks the rest Cancelled. The run ends Completed, Failed or Cancelled.
import type { ClaimedRun, ExecutableTask, TaskError } from "../../contract/agent-protocol.ts";
import { flowRunOutcome, type TaskRunState } from "../../contract/run-states.ts";
import { taskInputs } from "./binding.ts";
import { now, type EventSink } from "./events.ts";
import { runTask, type TaskEnd, type TaskEnvironment } from "./run-task.ts";

export type FlowEnd = "Completed" | "Failed" | "Cancelled";

type Done = Exclude<TaskRunState, "Pending" | "Running" | "Retrying">;

export async function executeFlowRun(
  env: TaskEnvironment & { taskConcurrency: number },
): Promise<FlowEnd> {
  const { run, sink, signal } = env;
  sink.push({ type: "flow", state: "Running", at: now() });

  const done = new Map<string, Done>();
  const results = new Map<string, unknown>();
  for (const [name, completed] of Object.entries(run.completed)) {
    done.set(name, completed.state);
    results.set(name, completed.result);
  }
  const pending = run.tasks.filter((t) => !done.has(t.name));
  const running = new Map<string, Promise<void>>();

  const start = (task: ExecutableTask) => {
    const inputs = taskInputs(run.parameters, task.dependsOn, results);
    const promise = runTask(env, task, inputs, run.priorAttempts[task.name] ?? 0).then(
      (end: TaskEnd) => {
        done.set(task.name, end.state);
        if (end.state === "Completed" || end.state === "Cached") results.set(task.name, end.result);
        running.delete(task.name);
      },
    );
    running.set(task.name, promise);
  };

  const cancelled = aborted(signal);
  for (;;) {
    if (signal.aborted) break;
    skipDownstreamOfFailures(pending, done, sink, run);
    for (const task of [...pending]) {
      if (running.size >= env.taskConcurrency) break;
      if (task.dependsOn.every((d) => done.get(d) === "Completed" || done.get(d) === "Cached")) {
        pending.splice(pending.indexOf(task), 1);
        start(task);
      }
    }
    if (running.size === 0) break;
    await Promise.race([...running.values(), cancelled]);
  }

  if (signal.aborted) {
    // Running tasks kill their processes and report Cancelled themselves.
    await Promise.all(running.values());
    for (const task of pending) {
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

/** Pending tasks with an upstream that ended without a result never start: NotRun. */
function skipDownstreamOfFailures(
  pending: ExecutableTask[],
  done: Map<string, Done>,
  sink: EventSink,
  run: ClaimedRun,
) {
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
      sink.push({
        type: "task",
        task: task.name,
        state: "NotRun",
        at: now(),
        attempt: run.priorAttempts[task.name] ?? 0,
        error,
        message: error.message,
      });
      done.set(task.name, "NotRun");
      pending.splice(pending.indexOf(task), 1);
      changed = true;
    }
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
