// Which tasks a replay (Retry, Retry from failure, Run from here) runs again and which earlier
// results it reuses — pure, so every rule and refusal is unit-tested. One rule: a task of the
// replay's version re-runs when
//   (a) the replay is a Retry;
//   (b) it is the task a Run from here starts from;
//   (c) it is new in the replay's version;
//   (d) it has no successful (Completed/Cached) result in the replayed run;
//   (e) it changed since that result was made (task-changes.ts), or the parameters did;
//   (f) it is downstream of a task that re-runs (its result was computed from stale inputs).
// A mapped task "has a successful result" only when every one of its items completed; one that
// re-runs may keep its completed items and run only the others (item-reuse.ts).
// Everything else is reused: Cached in the new run, with the result of the run that produced it
// (a replay of a replay points at the original producer, not at the replay in between).
import type { ReplayKind, ReplayTaskPlan } from "../../../contract/api-v1.ts";
import { closestName } from "../../../contract/closest-name.ts";
import type { Task } from "../../../contract/flow-file/schema.ts";
import {
  isFinalFlowRunState,
  isSuccessfulTaskRunState,
  type FlowRunState,
  type TaskRunState,
} from "../../../contract/run-states.ts";
import { PipebookError } from "../../errors.ts";
import { decideReruns } from "./decide-reruns.ts";
import { completedWhole, keepsItems, type SourceItems } from "./item-reuse.ts";
import { taskChanges } from "./task-changes.ts";

export type ReplayMode =
  { kind: Exclude<ReplayKind, "fromTask"> } | { kind: "fromTask"; task: string };

export type SourceTaskRun = {
  name: string;
  state: TaskRunState;
  /** Whether a Result row was kept (it is what the replay copies). */
  hasResult: boolean;
  /** For a Cached task run: the run that produced its result. */
  resultFromRunId: string | null;
  /** For a mapped task that started: its items. */
  items?: SourceItems;
};

/** The run being replayed. */
export type ReplaySource = {
  id: string;
  state: FlowRunState;
  cellTask: string | null;
  flow: string;
  version: number;
  /** Its flow version's tasks. */
  tasks: readonly Task[];
  taskRuns: readonly SourceTaskRun[];
};

/**
 * The flow version the replay runs, its tasks in topological order (as CachedVersion.executable
 * holds them: sorting 2,000 tasks again would cost more than the whole plan).
 */
export type ReplayTarget = { version: number; tasks: readonly Task[] };

export type TaskReplayPlan = {
  /** Every task of the target version, in topological order. */
  tasks: ReplayTaskPlan[];
  rerun: string[];
  reused: { task: string; fromRun: string }[];
  /** Mapped tasks that re-run only their items that did not complete, keeping the others. */
  reusedItems: { task: string; items: number }[];
};

type Reason = { reason: Exclude<ReplayTaskPlan["reason"], null | "downstream">; detail: string };

export const shortId = (id: string) => id.slice(0, 8);

/** Refuses what cannot be replayed at all: notebook cell runs, and runs that have not ended. */
export function refuseUnreplayable(source: Pick<ReplaySource, "id" | "state" | "cellTask">) {
  if (source.cellTask !== null) {
    throw new PipebookError(
      "bad_request",
      `flow run ${source.id} is a notebook cell run (task "${source.cellTask}"): replay it with Run cell in the editor; Retry, Retry from failure and Run from here replay runs of deployments`,
    );
  }
  if (!isFinalFlowRunState(source.state)) {
    throw new PipebookError(
      "invalid_state",
      `flow run ${source.id} is ${source.state}: cancel it or wait for it to end, then replay it`,
      { state: source.state },
    );
  }
}

export function planReplayTasks(input: {
  mode: ReplayMode;
  source: ReplaySource;
  target: ReplayTarget;
  /** Parameters whose values differ from the source run's (replay-parameters.ts). */
  changedParameters: readonly string[];
}): TaskReplayPlan {
  const { mode, source, target, changedParameters } = input;
  refuseUnreplayable(source);
  const targetNames = target.tasks.map((t) => t.name);
  const inTarget = new Set(targetNames);
  const where = `flow "${source.flow}" v${target.version}`;
  if (mode.kind === "fromTask" && !inTarget.has(mode.task)) {
    const hint = closestName(mode.task, targetNames);
    throw new PipebookError(
      "bad_request",
      `${where} has no task "${mode.task}"${hint ? ` (did you mean "${hint}"?)` : ""}: run from one of its tasks (${targetNames.join(", ")})`,
    );
  }
  const runs = new Map(source.taskRuns.map((r) => [r.name, r]));
  if (mode.kind === "fromFailure") {
    // Retry from failure promises to run the failed tasks again: they must still exist.
    const gone = source.taskRuns.filter(
      (r) => ["Failed", "Crashed", "Cancelled"].includes(r.state) && !inTarget.has(r.name),
    );
    if (gone.length) {
      const first = gone[0]!;
      const hint = closestName(first.name, targetNames);
      throw new PipebookError(
        "bad_request",
        `task "${first.name}" ended ${first.state} in run ${source.id}, but ${where} no longer has it${hint ? ` (renamed to "${hint}"?)` : ""}: replay on the run's own version, Retry to run v${target.version} whole, or Run from here on one of its tasks`,
      );
    }
  }

  const before = new Map(source.tasks.map((t) => [t.name, t]));
  const ownReason = (task: Task): Reason | null => {
    if (mode.kind === "retry") return { reason: "retry", detail: "Retry runs every task" };
    if (mode.kind === "fromTask" && mode.task === task.name) {
      return { reason: "fromTask", detail: "the task to run from" };
    }
    const then = before.get(task.name);
    if (!then) return { reason: "new", detail: `new in v${target.version}` };
    const run = runs.get(task.name);
    if (!run || !isSuccessfulTaskRunState(run.state) || !run.hasResult) {
      const what = !run
        ? "did not run"
        : isSuccessfulTaskRunState(run.state)
          ? `${run.state} but no result kept`
          : run.state;
      return { reason: "notCompleted", detail: `${what} in run ${shortId(source.id)}` };
    }
    if (!completedWhole(run.items)) {
      const failed = run.items!.count - run.items!.kept;
      const what = `${run.state} with ${failed} of ${run.items!.count} items not completed`;
      return { reason: "notCompleted", detail: `${what} in run ${shortId(source.id)}` };
    }
    const changed = taskChanges(then, task);
    if (changed.length) {
      return { reason: "changed", detail: `${changed.join(", ")} changed in v${target.version}` };
    }
    if (changedParameters.length) {
      return {
        reason: "parameters",
        detail: `parameters changed: ${changedParameters.join(", ")}`,
      };
    }
    return null;
  };

  const decided = decideReruns(target.tasks, ownReason);
  const plan: TaskReplayPlan = { tasks: [], rerun: [], reused: [], reusedItems: [] };
  const byName = new Map(target.tasks.map((t) => [t.name, t]));
  for (const [name, why] of decided) {
    if (why) {
      const task = byName.get(name)!;
      const items = runs.get(name)?.items;
      const keeps = keepsItems({
        mode,
        task,
        then: before.get(name),
        reason: why.reason,
        items,
        changedParameters,
        upstreamReruns: task.dependsOn.some((d) => (decided.get(d) ?? null) !== null),
      });
      let detail = why.reason === "downstream" ? `downstream of ${why.of}` : why.detail;
      if (keeps) {
        detail += `: ${items!.count - items!.kept} of ${items!.count} items run again, ${items!.kept} reused`;
        plan.reusedItems.push({ task: name, items: items!.kept });
      }
      plan.tasks.push({
        name,
        action: "rerun",
        reason: why.reason,
        detail,
        fromRun: null,
        ...(keeps ? { items: { reuse: items!.kept, rerun: items!.count - items!.kept } } : {}),
      });
      plan.rerun.push(name);
    } else {
      const run = runs.get(name)!;
      const fromRun = run.resultFromRunId ?? source.id;
      plan.tasks.push({
        name,
        action: "reuse",
        reason: null,
        detail: `result of run ${shortId(fromRun)}`,
        fromRun,
      });
      plan.reused.push({ task: name, fromRun });
    }
  }
  if (mode.kind === "fromFailure" && plan.rerun.length === 0) {
    const unchanged =
      target.version === source.version ? "" : ` and v${target.version} changes none of them`;
    throw new PipebookError(
      "bad_request",
      `every task of run ${source.id} completed${unchanged}: there is no failure to replay from; use Retry to run the whole flow again`,
    );
  }
  return plan;
}

/** A replay's mode from the request's kind and task, refusing a task where none belongs. */
export function replayMode(kind: ReplayKind, task: string | undefined): ReplayMode {
  if (kind === "fromTask") {
    if (!task) {
      throw new PipebookError(
        "bad_request",
        'Run from here needs the task to run from: pass "task"',
      );
    }
    return { kind, task };
  }
  if (task !== undefined) {
    throw new PipebookError(
      "bad_request",
      `"task" belongs to Run from here (kind fromTask) only; ${kind === "retry" ? "Retry" : "Retry from failure"} takes none`,
    );
  }
  return { kind };
}
