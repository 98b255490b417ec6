// The default runner: tasks run as child processes of the agent, on the agent's host, each in
// the run's own folder (removed when the run ends), each in the sandbox (agent/isolation/).
import path from "node:path";
import { executeFlowRun, type FlowEnd } from "../executor/run-flow.ts";
import type { RemotePython } from "../executor/task-environment.ts";
import type { KernelFiles } from "../kernels/kernel-files.ts";
import type { KernelPool } from "../kernels/kernel-pool.ts";
import type { Sandbox } from "../isolation/sandbox.ts";
import type { EnvironmentStore } from "../environments/environment-store.ts";
import { prepareRunFolders, removeRunFolders } from "./run-folders.ts";
import type { RunRequest, Runner } from "./runner.ts";

export class ProcessRunner implements Runner {
  constructor(
    private readonly options: {
      pool: KernelPool;
      files: KernelFiles;
      workDir: string;
      env: NodeJS.ProcessEnv;
      sandbox: Sandbox;
      taskConcurrency: number;
      /** Builds tasks' dependency environments; without it, declared dependencies are not installed. */
      environments?: EnvironmentStore;
    },
  ) {}

  /**
   * `over` is for runners built on this one (dask): Python attempts handed elsewhere, and how
   * many attempts may be in flight.
   */
  async execute(
    request: RunRequest,
    over: { remotePython?: RemotePython; taskConcurrency?: number } = {},
  ): Promise<FlowEnd> {
    const folders = prepareRunFolders(this.options.workDir, request.run, this.options.files);
    try {
      return await executeFlowRun({
        run: request.run,
        sink: request.sink,
        signal: request.signal,
        cacheLookup: request.cacheLookup,
        // Downloads and results kept beside the run's modules: writable in the sandbox, and
        // removed with the run's folders.
        ...(request.storage
          ? { storage: request.storage(path.join(folders.modules, "results")) }
          : {}),
        taskContext: request.taskContext,
        pool: this.options.pool,
        folders,
        sandbox: this.options.sandbox,
        env: this.options.env,
        taskConcurrency: over.taskConcurrency ?? this.options.taskConcurrency,
        ...(this.options.environments
          ? {
              dependencies: {
                store: this.options.environments,
                ...(request.reportLock ? { reportLock: request.reportLock } : {}),
              },
            }
          : {}),
        ...(over.remotePython ? { remotePython: over.remotePython } : {}),
      });
    } finally {
      removeRunFolders(folders);
    }
  }
}
