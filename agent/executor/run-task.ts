// One task of a flow run, through all its attempts: a cache lookup first (flow file `cache`), then
// attempts (./run-attempt.ts) with the retry policy's delays. Every step is reported as it happens.
import type { ExecutableTask, TaskError } from "../../contract/agent-protocol.ts";
import { cacheKey as cacheKeyOf } from "../../contract/cache-key.ts";
import { StoredValue } from "../storage/stored-value.ts";
import { artifactsFolder, keepArtifacts } from "./attempt-artifacts.ts";
import { withRunContext } from "./binding.ts";
import { errorLine, now, type EventSink } from "./events.ts";
import { retryDelayMs } from "./retry-delay.ts";
import { runAttempt } from "./run-attempt.ts";
import { settleResult } from "./stored-results.ts";
import type { ItemContext, TaskEnvironment } from "./task-environment.ts";

export type TaskEnd =
  | { state: "Completed" | "Cached"; result: unknown }
  | { state: "Failed"; error: TaskError }
  | { state: "Cancelled" };

export async function runTask(
  env: TaskEnvironment,
  task: ExecutableTask,
  inputs: Record<string, unknown>,
  priorAttempts: number,
  item?: ItemContext,
): Promise<TaskEnd> {
  const sink: EventSink = item
    ? {
        push: (event) =>
          env.sink.push(event.type === "task" ? { ...event, item: item.index } : event),
      }
    : env.sink;
  // Inputs without the run's context (binding.ts): an hourly run must still hit its cache. A
  // stored input counts by its key (its file's path differs from machine to machine).
  const cacheKey = cacheKeyOf(task.cache, {
    flow: env.run.flow.name,
    task: task.name,
    language: task.language,
    code: task.code,
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([name, v]) => [name, v instanceof StoredValue ? v.toJSON() : v]),
    ),
  });
  if (cacheKey) {
    const cached = await env.cacheLookup(cacheKey).catch(() => ({
      hit: false,
      result: undefined,
      source: undefined,
    }));
    if (cached.hit) {
      const stored = "stored" in cached ? cached.stored : undefined;
      sink.push({
        type: "task",
        task: task.name,
        state: "Cached",
        at: now(),
        attempt: priorAttempts,
        ...(stored ? { stored } : { result: cached.result ?? null }),
        message: "Reused a cached result",
        ...(cached.source ? { cachedFrom: cached.source } : {}),
      });
      return {
        state: "Cached",
        result: stored ? new StoredValue(stored) : (cached.result ?? null),
      };
    }
  }

  for (let retry = 0; ; retry++) {
    const attempt = priorAttempts + retry + 1;
    sink.push({ type: "task", task: task.name, state: "Running", at: now(), attempt });
    const artifacts = artifactsFolder(env, task);
    const ran = await runAttempt(
      env,
      task,
      withRunContext(inputs, env.run),
      attempt,
      item,
      artifacts,
    );
    if ("cancelled" in ran) {
      return cancelled(sink, task, attempt);
    }
    // Whatever the attempt's end, the files it left go up before its state is reported, so a
    // task seen ended has its artifacts listed.
    if (artifacts) await keepArtifacts(env, artifacts, { task: task.name, attempt, item });
    // A large result is uploaded now; an upload that fails fails the attempt (retries may help).
    const outcome = ran.ok
      ? await settleResult(env, ran, { task: task.name, attempt, item: item?.index })
      : ran;
    if (outcome.ok) {
      const expires = task.cache?.expiresSeconds;
      sink.push({
        type: "task",
        task: task.name,
        state: "Completed",
        at: now(),
        attempt,
        ...(outcome.result instanceof StoredValue
          ? { stored: outcome.result.ref }
          : { result: outcome.result }),
        ...(cacheKey
          ? {
              cache: {
                key: cacheKey,
                expiresAt: expires ? new Date(Date.now() + expires * 1000).toISOString() : null,
              },
            }
          : {}),
      });
      return { state: "Completed", result: outcome.result };
    }
    sink.push(errorLine(task.name, attempt, outcome.error, item?.index));
    if (retry < task.retries) {
      const delay = retryDelayMs(task, retry + 1);
      const nextAttemptAt = new Date(Date.now() + delay).toISOString();
      sink.push({
        type: "task",
        task: task.name,
        state: "Retrying",
        at: now(),
        attempt,
        error: outcome.error,
        nextAttemptAt,
        message: `Attempt ${attempt} failed (${outcome.error.type}); retrying in ${(delay / 1000).toFixed(delay < 10_000 ? 1 : 0)} s`,
      });
      if (!(await sleep(delay, env.signal))) {
        return cancelled(sink, task, attempt);
      }
      continue;
    }
    sink.push({
      type: "task",
      task: task.name,
      state: "Failed",
      at: now(),
      attempt,
      error: outcome.error,
    });
    return { state: "Failed", error: outcome.error };
  }
}

function cancelled(sink: EventSink, task: ExecutableTask, attempt: number): TaskEnd {
  sink.push({
    type: "task",
    task: task.name,
    state: "Cancelled",
    at: now(),
    attempt,
    error: { type: "Cancelled", message: "The flow run was cancelled" },
  });
  return { state: "Cancelled" };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
