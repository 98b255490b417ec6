// One task of a flow run, through all its attempts: a cache lookup first (flow file `cache`), then
// attempts with the retry policy's delays, each one killed — with everything it started — on
// timeout or cancel. Every step is reported as it happens.
import fs from "node:fs";
import path from "node:path";
import type { ClaimedRun, ExecutableTask, TaskError } from "../../contract/agent-protocol.ts";
import { cacheKey as cacheKeyOf } from "../../contract/cache-key.ts";
import type { KernelLane } from "../kernels/kernel-lane.ts";
import type { KernelLanguage, KernelPool } from "../kernels/kernel-pool.ts";
import type { KernelProcess } from "../kernels/kernel-process.ts";
import type { OutputLine, TaskOutcome } from "../kernels/output.ts";
import { runShell } from "../kernels/shell.ts";
import type { Sandbox } from "../isolation/sandbox.ts";
import { environmentModules, type RunFolders } from "../runners/run-folders.ts";
import { shellVariables, withRunContext } from "./binding.ts";
import { errorLine, now, type EventSink } from "./events.ts";
import { retryDelayMs } from "./retry-delay.ts";
import { contextEnvironment, prepareTaskContext, type TaskContextLookup } from "./task-context.ts";
import { prepareDependencies, type DependencyServices } from "./task-dependencies.ts";
import type { RunStorage } from "../storage/run-storage.ts";
import { StoredValue } from "../storage/stored-value.ts";
import { INLINE_RESULT_BYTES, type StoredResult } from "../../contract/agent-protocol.ts";
import { settleResult, splitStoredInputs } from "./stored-results.ts";
import { collectArtifacts, uploadArtifacts } from "../storage/upload-artifacts.ts";

export type TaskEnvironment = {
  run: ClaimedRun;
  sink: EventSink;
  pool: KernelPool;
  /** The run's folders: every task of the run works in the same one. */
  folders: RunFolders;
  /** Shell tasks run in it (kernels get theirs from the pool). */
  sandbox: Sandbox;
  env: NodeJS.ProcessEnv;
  /** Aborts when the run is cancelled or its lease is lost. */
  signal: AbortSignal;
  cacheLookup: (
    key: string,
  ) => Promise<{ hit: boolean; result?: unknown; source?: string; stored?: StoredResult }>;
  /** Large results go here and come from here; absent (a docker run's inside), they stay inline. */
  storage?: RunStorage;
  /** Fetches a task's declared secrets and variables (./task-context.ts). */
  taskContext?: TaskContextLookup;
  /** Set for a dask run: Python attempts execute there instead of in a kernel of the pool. */
  remotePython?: RemotePython;
  /** Builds and caches the environments of tasks with dependencies (agent/environments/). */
  dependencies?: DependencyServices;
};

/** Executes Python attempts off the agent (the Dask runner: agent/runners/dask/). */
export type RemotePython = {
  run(
    attempt: {
      task: string;
      attempt: number;
      item?: number;
      code: string;
      inputs: Record<string, unknown>;
      context?: unknown;
    },
    onOutput: (line: OutputLine) => void,
  ): { outcome: Promise<TaskOutcome>; cancel: () => void };
};

export type TaskEnd =
  | { state: "Completed" | "Cached"; result: unknown }
  | { state: "Failed"; error: TaskError }
  | { state: "Cancelled" };

/** An item of a mapped task: its index (on every event it reports), and the lane running it. */
export type ItemContext = {
  index: number;
  lane?: KernelLane;
  /** The inputs all items of the task share (sent to a lane's kernel once): their names, by id. */
  common?: { id: string; keys: readonly string[] };
};

type Attempt = TaskOutcome | { ok: false; cancelled: true };

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
    const artifacts = artifactsFolder(env, task, attempt, item);
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

/**
 * The attempt's own $PIPEBOOK_ARTIFACTS: beside the run's modules (writable in the sandbox,
 * removed with the run's folders). None for a Dask attempt: it runs on another machine.
 */
function artifactsFolder(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  item: ItemContext | undefined,
): string | undefined {
  if (task.language === "python" && env.remotePython) return undefined;
  const who = item ? `${task.name}.${item.index}` : task.name;
  const dir = path.join(env.folders.modules, "artifacts", `${who}-${attempt}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function keepArtifacts(
  env: TaskEnvironment,
  dir: string,
  where: { task: string; attempt: number; item: ItemContext | undefined },
): Promise<void> {
  const { item, ...rest } = where;
  const owner = item === undefined ? rest : { ...rest, item: item.index };
  const warn = (message: string) =>
    env.sink.push({ type: "log", ...owner, level: "warning", message, at: now() });
  try {
    if (!env.storage) {
      if (collectArtifacts(dir).files.length)
        warn("artifacts are not uploaded from this runner (it has no storage); they were dropped");
    } else {
      const kept = await uploadArtifacts(env.storage, owner, dir);
      for (const problem of kept.problems) warn(problem);
    }
  } catch (error) {
    // Artifacts never fail their task (README "Artifacts"): a folder the task left unreadable too.
    warn(`artifacts not uploaded: ${(error as Error).message}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

function taskEnv(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  item: ItemContext | undefined,
  artifacts: string | undefined,
): Record<string, string> {
  return {
    PIPEBOOK_FLOW_RUN_ID: env.run.flowRunId,
    PIPEBOOK_FLOW: env.run.flow.name,
    PIPEBOOK_DEPLOYMENT: env.run.deployment.name,
    PIPEBOOK_TASK: task.name,
    PIPEBOOK_ATTEMPT: String(attempt),
    ...(item ? { PIPEBOOK_MAP_INDEX: String(item.index) } : {}),
    ...(env.run.scheduledAt ? { PIPEBOOK_SCHEDULED_AT: env.run.scheduledAt } : {}),
    ...(artifacts ? { PIPEBOOK_ARTIFACTS: artifacts } : {}),
  };
}

async function runAttempt(
  env: TaskEnvironment,
  task: ExecutableTask,
  inputs: Record<string, unknown>,
  attempt: number,
  item: ItemContext | undefined,
  artifacts: string | undefined,
): Promise<Attempt> {
  const ready = await prepareTaskContext(task, env.taskContext);
  if (!ready.ok) return { ok: false, error: ready.error };
  // Large upstream results: files the task reads (a shell task gets $NAME_FILE), or — for Dask,
  // which runs elsewhere — the values themselves.
  const split = await splitStoredInputs(
    env,
    inputs,
    task.language === "python" && !!env.remotePython,
  );
  if (!split.ok) return { ok: false, error: split.error };
  inputs = split.inputs;
  const inputFiles = split.files;
  const { masker } = ready.prepared;
  const onOutput = (line: OutputLine) =>
    env.sink.push({
      type: "log",
      task: task.name,
      ...(item ? { item: item.index } : {}),
      attempt,
      level: line.level,
      message: masker ? masker.text(line.message) : line.message,
      at: line.at.toISOString(),
    });
  const context = taskEnv(env, task, attempt, item, artifacts);

  let kill: () => void;
  let outcome: Promise<TaskOutcome>;
  let release: (healthy: boolean) => void = () => undefined;
  if (task.language === "shell") {
    const shell = runShell({
      task: task.name,
      code: task.code,
      env: {
        ...env.env,
        ...context,
        ...shellVariables(inputs),
        ...Object.fromEntries(
          Object.entries(shellVariables(inputFiles)).map(([name, file]) => [`${name}_FILE`, file]),
        ),
        ...contextEnvironment(ready.prepared.context),
      },
      cwd: env.folders.cwd,
      sandbox: env.sandbox,
      writable: artifacts ? [artifacts] : [],
      readable: [...new Set(Object.values(inputFiles).map((file) => path.dirname(file)))],
      onOutput,
    });
    kill = shell.kill;
    outcome = shell.outcome;
  } else if (task.language === "python" && env.remotePython) {
    const remote = env.remotePython.run(
      {
        task: task.name,
        attempt,
        ...(item ? { item: item.index } : {}),
        code: task.code,
        inputs,
        context: ready.prepared.context,
      },
      onOutput,
    );
    kill = remote.cancel;
    outcome = remote.outcome;
  } else {
    const language: KernelLanguage = task.language;
    const lane = item?.lane;
    const deps = await prepareDependencies(
      env.dependencies,
      env.run,
      env.folders,
      task,
      env.signal,
      onOutput,
    );
    if (!deps.ok) return deps;
    const { group } = deps;
    let kernel: KernelProcess;
    try {
      kernel = lane ? await lane.acquire(language, group) : await env.pool.acquire(language, group);
    } catch (error) {
      return { ok: false, error: { type: "KernelUnavailable", message: (error as Error).message } };
    }
    const command: Record<string, unknown> = {
      task: task.name,
      attempt,
      inputs,
      env: context,
      cwd: env.folders.cwd,
    };
    if (lane && item?.common) Object.assign(command, lane.inputsFor(kernel, inputs, item.common));
    if (ready.prepared.context) command.context = ready.prepared.context;
    if (Object.keys(inputFiles).length) command.inputFiles = inputFiles;
    // A large result (a task's or an item's) goes to storage: the kernel writes it to this file.
    if (env.storage) {
      command.resultFile = env.storage.resultFile(item ? `${task.name}.${item.index}` : task.name);
      command.inlineLimit = INLINE_RESULT_BYTES;
    }
    if (language === "python") command.code = task.code;
    else {
      const modules = deps.env ? environmentModules(env.folders, deps.env) : env.folders.modules;
      command.file = writeModule(modules, task, item ? "items" : String(attempt));
    }
    kill = () => void kernel.kill();
    release = (healthy) =>
      lane
        ? lane.done(language, kernel, healthy)
        : env.pool.release(language, group, kernel, healthy);
    outcome = kernel.run(command, onOutput);
  }

  // Whichever comes first: the task ends, its timeout, or a cancel of the run.
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<Attempt>((resolve) => {
    if (task.timeoutSeconds) {
      timer = setTimeout(() => {
        kill();
        resolve({
          ok: false,
          error: {
            type: "TimedOut",
            message: `the attempt timed out after ${task.timeoutSeconds} s and was killed`,
          },
        });
      }, task.timeoutSeconds * 1000);
    }
    onAbort = () => {
      kill();
      resolve({ ok: false, cancelled: true });
    };
    if (env.signal.aborted) onAbort();
    else env.signal.addEventListener("abort", onAbort, { once: true });
  });
  const first = await Promise.race([outcome.then((o): Attempt => o), stopped]);
  clearTimeout(timer);
  if (onAbort) env.signal.removeEventListener("abort", onAbort);
  const interrupted = "cancelled" in first || (!first.ok && first.error.type === "TimedOut");
  if (interrupted) await outcome.catch(() => undefined);
  release(!interrupted);
  if (masker && !first.ok && "error" in first) {
    return { ok: false, error: masker.value(first.error) as TaskError };
  }
  return first;
}

/**
 * TypeScript cells run as ES modules; each attempt gets its own file (ESM caches by URL), so an
 * attempt starts from a fresh module. A mapped task's items share one: like a function called
 * once per item, the module is loaded once per kernel (10,000 module files would be ~10,000
 * module loads, each kept in the kernel's module cache).
 */
function writeModule(modules: string, task: ExecutableTask, variant: string): string {
  const file = path.join(modules, `${task.name}.${variant}.mjs`);
  if (variant !== "items" || !fs.existsSync(file)) fs.writeFileSync(file, task.code);
  return file;
}
