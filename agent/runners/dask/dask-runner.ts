// The dask runner: the agent runs the flow run as the process runner does — states, retries,
// timeouts, cancel, logs, TypeScript and shell tasks on this host — but hands each Python attempt
// to a Dask cluster through the bridge for the run's scheduler (the deployment's `daskScheduler`,
// else the agent's --dask-scheduler). One bridge per address serves every run that uses it.
import type { TaskError } from "../../../contract/agent-protocol.ts";
import { daskSchedulerProblem } from "../../../contract/dask-scheduler.ts";
import { notRunEvent, now } from "../../executor/events.ts";
import type { FlowEnd } from "../../executor/run-flow.ts";
import type { KernelFiles } from "../../kernels/kernel-files.ts";
import type { KernelPool } from "../../kernels/kernel-pool.ts";
import type { Sandbox } from "../../isolation/sandbox.ts";
import { ProcessRunner } from "../process-runner.ts";
import type { RunRequest, Runner } from "../runner.ts";
import { DaskBridge } from "./bridge-client.ts";
import { installDaskFiles } from "./dask-files.ts";

export type DaskRunnerOptions = {
  pool: KernelPool;
  files: KernelFiles;
  workDir: string;
  env: NodeJS.ProcessEnv;
  sandbox: Sandbox;
  taskConcurrency: number;
  /** The Python that runs the bridge: it must import `distributed` (the agent's --python). */
  python: string;
  /** --dask-scheduler: for dask runs whose deployment names no scheduler. */
  defaultScheduler?: string;
  log: (line: string) => void;
};

export class DaskRunner implements Runner {
  private bridges = new Map<string, Promise<DaskBridge>>();
  private bridgeFile: string | undefined;

  private readonly process: ProcessRunner;

  constructor(private readonly options: DaskRunnerOptions) {
    this.process = new ProcessRunner(options);
  }

  private bridgeFor(scheduler: string): Promise<DaskBridge> {
    const known = this.bridges.get(scheduler);
    if (known) return known;
    this.bridgeFile ??= installDaskFiles(this.options.files).bridge;
    const started = DaskBridge.start({
      python: this.options.python,
      bridge: this.bridgeFile,
      scheduler,
      env: this.options.env,
    }).then((bridge) => {
      this.options.log(
        `connected to the Dask scheduler ${scheduler} (distributed ${bridge.version}, ${bridge.workers} worker(s), ${bridge.threads} thread(s))`,
      );
      return bridge;
    });
    this.bridges.set(scheduler, started);
    // A bridge that could not start, or that died, is started again by the next run.
    started.then(
      (bridge) =>
        void bridge.exited.then(() => {
          if (this.bridges.get(scheduler) === started) this.bridges.delete(scheduler);
        }),
      () => this.bridges.delete(scheduler),
    );
    return started;
  }

  async execute(request: RunRequest): Promise<FlowEnd> {
    const scheduler = request.run.runner.daskScheduler || this.options.defaultScheduler;
    if (!scheduler) {
      return failAtOnce(request, {
        type: "RunnerUnavailable",
        message:
          "this deployment uses the dask runner but names no scheduler: set its daskScheduler (e.g. tcp://scheduler:8786) or start the agent with --dask-scheduler tcp://HOST:8786 (PIPEBOOK_DASK_SCHEDULER)",
      });
    }
    // Checked again here (as the server did when the deployment was saved): a deployment saved
    // before the check, or a changed database, gets the same clear refusal.
    const problem = daskSchedulerProblem(scheduler);
    if (problem) return failAtOnce(request, { type: "RunnerUnavailable", message: problem });
    let bridge: DaskBridge;
    try {
      bridge = await this.bridgeFor(scheduler);
    } catch (error) {
      return failAtOnce(request, { type: "RunnerUnavailable", message: (error as Error).message });
    }
    return this.process.execute(request, {
      // Attempts in flight (tasks at once, and a mapped task's items unless it sets
      // mapConcurrency): enough to keep every thread of the cluster busy, with one more
      // waiting per thread so a thread that finishes finds its next item already there
      // instead of waiting a round trip through the agent.
      taskConcurrency: Math.max(this.options.taskConcurrency, 2 * bridge.threads),
      remotePython: bridge,
    });
  }

  async close(): Promise<void> {
    const bridges = [...this.bridges.values()];
    this.bridges.clear();
    await Promise.all(
      bridges.map((b) => b.then((bridge) => bridge.close()).catch(() => undefined)),
    );
  }
}

/** The run cannot reach its cluster: its tasks do not run, and the run fails with the reason. */
function failAtOnce(request: RunRequest, error: TaskError): FlowEnd {
  const { sink, run } = request;
  sink.push({ type: "flow", state: "Running", at: now() });
  for (const task of run.tasks) {
    if (run.completed[task.name]) continue;
    sink.push(notRunEvent(task.name, run.priorAttempts[task.name] ?? 0, error));
  }
  sink.push({ type: "flow", state: "Failed", at: now(), message: error.message, error });
  return "Failed";
}
