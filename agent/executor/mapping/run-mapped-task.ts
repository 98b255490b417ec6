// A mapped task through all its items: its lists are read (or refused: not a list, different
// lengths), its items announced to the server with their inputs' previews, then run in index
// order by `mapConcurrency` lanes — each item a task run of its own with its own attempts,
// retries, timeout, cache, logs and result (run-task.ts). An item chained to a mapped upstream
// starts when that upstream's same item has completed, and is skipped (NotRun) if it did not.
// Items a resumed run completed before are not run again. The task ends as fanIn says.
import { getMaxListeners, setMaxListeners } from "node:events";
import fs from "node:fs";
import {
  INLINE_RESULT_BYTES,
  MAX_PREVIEWS_PER_EVENT,
  type ExecutableTask,
  type MapFailure,
  type PriorItems,
  type StoredResult,
  type TaskError,
} from "../../../contract/agent-protocol.ts";
import { isSuccessfulTaskRunState, type TaskRunState } from "../../../contract/run-states.ts";
import { KernelLane } from "../../kernels/kernel-lane.ts";
import { errorLine, notRunEvent, now } from "../events.ts";
import { runTask } from "../run-task.ts";
import type { TaskEnvironment } from "../task-environment.ts";
import { runInLanes } from "./elastic-lanes.ts";
import { settleResult, splitStoredInputs } from "../stored-results.ts";
import { StoredValue } from "../../storage/stored-value.ts";
import { hasStoredItems, writeFanInFile } from "./fan-in-file.ts";
import {
  fanIn,
  inputPreview,
  itemInputs,
  mapLists,
  type ItemEnd,
  type MapLists,
} from "./map-items.ts";
import type { MapProgress } from "./map-progress.ts";

export type MappedTaskContext = {
  /** This task's progress, which the tasks chained to it follow. */
  progress: MapProgress;
  /** The mapped upstreams this task is chained to item by item, with how each of them ends. */
  chained: ReadonlyMap<string, { progress: MapProgress; end: Promise<TaskRunState> }>;
  /** What an earlier attempt of the flow run kept of this task's items. */
  prior: PriorItems | undefined;
  /** Attempts of the task itself (its own row) before this one. */
  priorAttempts: number;
  /** Items in flight at once. */
  concurrency: number;
};

export type MappedEnd =
  /** The items' results in order — or, when large, that list in storage (a StoredValue). */
  | { state: "Completed"; result: unknown; failures?: MapFailure[] }
  | { state: "Failed" | "Cancelled" | "NotRun" };

export async function runMappedTask(
  env: TaskEnvironment,
  task: ExecutableTask,
  inputs: Record<string, unknown>,
  ctx: MappedTaskContext,
): Promise<MappedEnd> {
  const { sink, signal } = env;
  const attempt = ctx.priorAttempts + 1;
  const own = (state: "Running" | "Completed" | "Failed" | "Cancelled" | "NotRun", more = {}) =>
    sink.push({ type: "task", task: task.name, state, at: now(), attempt, ...more });
  own("Running");
  // The lists are split here, in the agent: a stored upstream result is read whole.
  const whole = await splitStoredInputs(env, inputs, true);
  if (!whole.ok) {
    ctx.progress.abandon();
    return failed(env, task, attempt, whole.error);
  }
  inputs = whole.inputs;

  const counts = new Map<string, number>();
  for (const [source, upstream] of ctx.chained) {
    const count = await upstream.progress.count;
    if (count !== null) counts.set(source, count);
  }
  const lists = mapLists(task, inputs, counts);
  if (!lists.ok) {
    ctx.progress.abandon();
    return failed(env, task, attempt, lists.error);
  }
  ctx.progress.start(lists.count);
  announce(env, task, lists);

  const ends: (ItemEnd | undefined)[] = new Array<ItemEnd | undefined>(lists.count);
  const settle = (index: number, end: ItemEnd) => {
    ends[index] = end;
    ctx.progress.itemEnded(index, end);
  };
  const queue: number[] = [];
  for (let index = 0; index < lists.count; index++) {
    const kept = ctx.prior?.completed[index];
    // A kept item's large result stays in storage; its readers fetch it as any stored result.
    if (kept) {
      settle(index, {
        state: kept.state,
        result: kept.stored ? new StoredValue(kept.stored) : kept.result,
      });
    } else queue.push(index);
  }

  const common = commonInputs(env, task, inputs, lists, ctx);
  // Each item in flight listens for the run's cancel; more than Node's default of 10 is expected.
  setMaxListeners(Math.max(getMaxListeners(signal), ctx.concurrency + 10), signal);
  await runInLanes<KernelLane>({
    count: queue.length,
    max: ctx.concurrency,
    signal,
    open: () => new KernelLane(env.pool, env.folders.group),
    close: (kernels) => kernels.close(),
    waiting: (kernels) => kernels.waiting,
    run: async (position, kernels) => {
      const index = queue[position]!;
      settle(index, await runItem(env, task, inputs, lists, index, ctx, kernels, common));
    },
  });

  if (signal.aborted) {
    // (A for loop: the array has holes where items never started, which forEach skips.)
    for (let index = 0; index < ends.length; index++) {
      if (ends[index]) continue;
      sink.push({
        type: "task",
        task: task.name,
        item: index,
        state: "Cancelled",
        at: now(),
        attempt: ctx.prior?.attempts[index] ?? 0,
        error: {
          type: "Cancelled",
          message: "The flow run was cancelled before this item started",
        },
      });
      settle(index, { state: "Cancelled" });
    }
    own("Cancelled", { error: { type: "Cancelled", message: "The flow run was cancelled" } });
    return { state: "Cancelled" };
  }

  // A chained upstream that failed as a whole takes this task with it, as any upstream does.
  for (const [source, upstream] of ctx.chained) {
    const state = await upstream.end;
    if (isSuccessfulTaskRunState(state)) continue;
    const error = {
      type: "UpstreamNotCompleted",
      message: `did not complete: upstream task "${source}" ${state === "Failed" ? "failed" : `was ${state}`}`,
      upstream: source,
    };
    sink.push(notRunEvent(task.name, attempt, error));
    return { state: "NotRun" };
  }

  const end = fanIn(task, ends as ItemEnd[], (index) => inputPreview(lists, index));
  if (end.state === "Failed") return failed(env, task, attempt, end.error);
  if (end.state === "Cancelled") {
    own("Cancelled", { error: { type: "Cancelled", message: "The flow run was cancelled" } });
    return { state: "Cancelled" };
  }
  if (env.storage && hasStoredItems(end.result)) {
    // Items whose results are in storage: the list is written from their files, not parsed.
    const written = await writeFanInFile(env.storage, task.name, end.result);
    if (!written.ok) {
      return failed(env, task, attempt, {
        type: "StorageError",
        message: `the items' results could not be put together: ${written.error}`,
      });
    }
    return storeList(env, task, attempt, end, written.file, written.sizeBytes, own);
  }
  const text = JSON.stringify(end.result);
  const sizeBytes = Buffer.byteLength(text);
  if (env.storage && sizeBytes > INLINE_RESULT_BYTES) {
    // The items' list is large: it goes to storage like any large result.
    const resultFile = env.storage.resultFile(task.name);
    fs.writeFileSync(resultFile, text);
    return storeList(env, task, attempt, end, resultFile, sizeBytes, own);
  }
  own("Completed", { result: end.result });
  return end;
}

async function storeList(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  end: Extract<MappedEnd, { state: "Completed" }>,
  resultFile: string,
  sizeBytes: number,
  own: (state: "Completed", more: { stored: StoredResult }) => void,
): Promise<MappedEnd> {
  const settled = await settleResult(
    env,
    { ok: true, resultFile, sizeBytes },
    { task: task.name, attempt },
  );
  if (!settled.ok) return failed(env, task, attempt, settled.error);
  own("Completed", { stored: (settled.result as StoredValue).ref });
  return { ...end, result: settled.result };
}

async function runItem(
  env: TaskEnvironment,
  task: ExecutableTask,
  inputs: Record<string, unknown>,
  lists: Extract<MapLists, { ok: true }>,
  index: number,
  ctx: MappedTaskContext,
  lane: KernelLane,
  common: { id: string; keys: string[] },
): Promise<ItemEnd> {
  const priorAttempts = ctx.prior?.attempts[index] ?? 0;
  const chainedResults = new Map<string, unknown>();
  for (const [source, upstream] of ctx.chained) {
    const end = await lane.waitFor(upstream.progress.item(index));
    if (end.state === "Completed" || end.state === "Cached") {
      chainedResults.set(source, end.result);
      continue;
    }
    const error = {
      type: "UpstreamNotCompleted",
      message: `did not run: item ${index} of upstream task "${source}" ${end.state === "Failed" ? "failed" : end.state === "NotRun" ? "did not run" : `was ${end.state}`}`,
      upstream: source,
      item: index,
    };
    env.sink.push(notRunEvent(task.name, priorAttempts, error, index));
    return { state: "NotRun", error, skipped: true };
  }
  const end = await runTask(
    env,
    task,
    itemInputs(inputs, lists, index, chainedResults),
    priorAttempts,
    { index, lane, common },
  );
  return end.state === "Failed" ? { state: "Failed", error: end.error } : end;
}

/** The items, announced before any of them reports: the server makes their task runs. */
function announce(
  env: TaskEnvironment,
  task: ExecutableTask,
  lists: Extract<MapLists, { ok: true }>,
) {
  const at = now();
  for (let from = 0; from === 0 || from < lists.count; from += MAX_PREVIEWS_PER_EVENT) {
    const previews: string[] = [];
    const to = Math.min(lists.count, from + MAX_PREVIEWS_PER_EVENT);
    for (let index = from; index < to; index++) previews.push(inputPreview(lists, index));
    env.sink.push({ type: "map", task: task.name, at, count: lists.count, from, previews });
  }
}

function failed(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  error: TaskError,
): MappedEnd {
  env.sink.push(errorLine(task.name, attempt, error));
  env.sink.push({ type: "task", task: task.name, state: "Failed", at: now(), attempt, error });
  return { state: "Failed" };
}

/** The inputs every item of this run of the task gets alike: all but the mapped names. */
function commonInputs(
  env: TaskEnvironment,
  task: ExecutableTask,
  inputs: Record<string, unknown>,
  lists: Extract<MapLists, { ok: true }>,
  ctx: MappedTaskContext,
): { id: string; keys: string[] } {
  return {
    id: `${env.run.flowRunId}/${task.name}/${ctx.priorAttempts + 1}`,
    keys: Object.keys(inputs).filter((key) => !lists.sources.includes(key)),
  };
}
