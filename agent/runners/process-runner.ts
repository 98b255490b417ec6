// The default runner: tasks run as child processes of the agent, on the agent's host, each in
// the run's own folder (removed when the run ends).
import fs from "node:fs";
import path from "node:path";
import { executeFlowRun, type FlowEnd } from "../executor/run-flow.ts";
import type { KernelFiles } from "../kernels/kernel-files.ts";
import type { KernelPool } from "../kernels/kernel-pool.ts";
import type { RunRequest, Runner } from "./runner.ts";

export class ProcessRunner implements Runner {
  constructor(
    private readonly options: {
      pool: KernelPool;
      files: KernelFiles;
      workDir: string;
      env: NodeJS.ProcessEnv;
      taskConcurrency: number;
    },
  ) {}

  async execute(request: RunRequest): Promise<FlowEnd> {
    const cwd = path.join(this.options.workDir, "runs", request.run.flowRunId);
    fs.mkdirSync(cwd, { recursive: true });
    try {
      return await executeFlowRun({
        run: request.run,
        sink: request.sink,
        signal: request.signal,
        cacheLookup: request.cacheLookup,
        taskContext: request.taskContext,
        pool: this.options.pool,
        files: this.options.files,
        cwd,
        env: this.options.env,
        taskConcurrency: this.options.taskConcurrency,
      });
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
      fs.rmSync(path.join(this.options.files.nodeTasks, request.run.flowRunId), {
        recursive: true,
        force: true,
      });
    }
  }
}
