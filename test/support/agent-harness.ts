// Running flow runs through the agent's real executor and kernels — real python3, node and bash
// child processes — without a server: events are collected in order for the test to read.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ClaimedRun, ReportEvent } from "../../contract/agent-protocol.ts";
import { topologicalOrder } from "../../contract/flow-file/dag.ts";
import { validateFlowFile } from "../../contract/flow-file/parse.ts";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { executeFlowRun, type FlowEnd } from "../../agent/executor/run-flow.ts";
import type { TaskContextLookup } from "../../agent/executor/task-context.ts";
import { installKernelFiles, type KernelFiles } from "../../agent/kernels/kernel-files.ts";
import { KernelPool } from "../../agent/kernels/kernel-pool.ts";
import { NO_SANDBOX, type Sandbox } from "../../agent/isolation/sandbox.ts";
import { prepareRunFolders } from "../../agent/runners/run-folders.ts";
import { compileTasks } from "../../server/flows/compile-tasks.ts";
import { inheritedEnv } from "./test-settings.ts";

export type Kernels = {
  pool: KernelPool;
  files: KernelFiles;
  workDir: string;
  sandbox: Sandbox;
  close(): Promise<void>;
};

/** `sandbox` makes one from the work folder (e.g. `(dir) => bwrapSandbox("bwrap", [dir])`). */
export function startKernels(
  options: { sandbox?: (workDir: string) => Sandbox; node?: string } = {},
): Kernels {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-agent-test-"));
  const files = installKernelFiles(path.join(workDir, "kernels"));
  const sandbox = options.sandbox?.(workDir) ?? NO_SANDBOX;
  const pool = new KernelPool(files, {
    python: "python3",
    node: options.node ?? process.execPath,
    env: inheritedEnv(),
    sandbox,
  });
  return {
    pool,
    files,
    workDir,
    sandbox,
    async close() {
      await pool.close();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** A flow whose parameters `params` are lists (a mapped task maps over one of them). */
export function listFlow(
  tasks: FlowFileInput["tasks"],
  params: string[] = ["repos"],
): FlowFileInput {
  return {
    name: "fan-out",
    parameters: {
      type: "object",
      properties: Object.fromEntries(params.map((name) => [name, { type: "array" as const }])),
    },
    tasks,
  };
}

/** A claimed run of `flow`, as the server would hand it to an agent (TypeScript compiled). */
export async function claimedRun(
  flow: FlowFileInput,
  parameters: Record<string, unknown> = {},
  over: Partial<ClaimedRun> = {},
): Promise<ClaimedRun> {
  const spec = validateFlowFile(flow);
  const compiled = await compileTasks(spec);
  if (!compiled.ok) throw new Error(compiled.issues.map((i) => i.message).join("; "));
  return {
    flowRunId: crypto.randomUUID(),
    leaseId: crypto.randomUUID(),
    leaseExpiresAt: new Date(Date.now() + 15_000).toISOString(),
    attempt: 1,
    flow: { name: spec.name, version: 1 },
    deployment: { id: crypto.randomUUID(), name: "test" },
    runner: { kind: "process", image: null },
    parameters,
    tasks: topologicalOrder(spec.tasks).map((t) => ({
      ...t,
      code: compiled.compiled[t.name] ?? t.code,
    })),
    completed: {},
    priorAttempts: {},
    items: {},
    dependencies: {
      ...(spec.python ? { python: spec.python } : {}),
      ...(spec.typescript ? { typescript: spec.typescript } : {}),
    },
    locks: {},
    ...over,
  };
}

export async function execute(
  kernels: Kernels,
  run: ClaimedRun,
  options: {
    signal?: AbortSignal;
    taskConcurrency?: number;
    cache?: Map<string, unknown>;
    taskContext?: TaskContextLookup;
  } = {},
): Promise<{ end: FlowEnd; events: ReportEvent[]; cwd: string }> {
  const events: ReportEvent[] = [];
  const folders = prepareRunFolders(kernels.workDir, run, kernels.files);
  const end = await executeFlowRun({
    run,
    sink: { push: (e) => events.push(e) },
    signal: options.signal ?? new AbortController().signal,
    cacheLookup: async (key) =>
      options.cache?.has(key) ? { hit: true, result: options.cache.get(key) } : { hit: false },
    pool: kernels.pool,
    folders,
    sandbox: kernels.sandbox,
    env: inheritedEnv(),
    taskConcurrency: options.taskConcurrency ?? 4,
    taskContext: options.taskContext,
  });
  // The run's folder is kept (a real agent removes it) for the test to look into.
  return { end, events, cwd: folders.cwd };
}

/** The task state changes of `events`, as "task:State" strings in order. */
export function taskStates(events: ReportEvent[], task?: string): string[] {
  return events.flatMap((e) =>
    e.type === "task" && e.item === undefined && (!task || e.task === task)
      ? [`${e.task}:${e.state}`]
      : [],
  );
}

/** The state changes of a mapped task's item, in order. */
export function itemStates(events: ReportEvent[], task: string, item: number): string[] {
  return events.flatMap((e) =>
    e.type === "task" && e.task === task && e.item === item ? [e.state] : [],
  );
}

/** The event that put `task` in `state`; throws when there is none. */
export function taskEvent(events: ReportEvent[], task: string, state: string) {
  const e = events.find(
    (x) => x.type === "task" && x.task === task && x.item === undefined && x.state === state,
  );
  if (!e || e.type !== "task") throw new Error(`no ${state} event for ${task}`);
  return e;
}

export function logsOf(events: ReportEvent[], task: string) {
  return events.flatMap((e) => (e.type === "log" && e.task === task ? [e] : []));
}

export function resultOf(events: ReportEvent[], task: string): unknown {
  const done = events.find(
    (e) =>
      e.type === "task" &&
      e.task === task &&
      e.item === undefined &&
      (e.state === "Completed" || e.state === "Cached"),
  );
  return done && done.type === "task" ? done.result : undefined;
}
