// One attempt of a task: its context and inputs prepared, its code run where its language runs
// (a shell in the sandbox, a kernel of the pool or a lane, or Dask), and killed — with
// everything it started — on timeout or cancel.
import fs from "node:fs";
import path from "node:path";
import {
  INLINE_RESULT_BYTES,
  type ExecutableTask,
  type TaskError,
} from "../../contract/agent-protocol.ts";
import type { KernelLanguage } from "../kernels/kernel-pool.ts";
import type { KernelProcess } from "../kernels/kernel-process.ts";
import type { OutputLine, TaskOutcome } from "../kernels/output.ts";
import { runShell } from "../kernels/shell.ts";
import { environmentModules } from "../runners/run-folders.ts";
import { shellVariables } from "./binding.ts";
import { splitStoredInputs } from "./stored-results.ts";
import { contextEnvironment, prepareTaskContext } from "./task-context.ts";
import { prepareDependencies } from "./task-dependencies.ts";
import type { ItemContext, TaskEnvironment } from "./task-environment.ts";

type Attempt = TaskOutcome | { ok: false; cancelled: true };

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

export async function runAttempt(
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
