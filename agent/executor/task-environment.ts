// What a task of a flow run executes with: the run, where its events go, where its code runs
// (kernels, the sandbox, or Dask), and the services an attempt asks (cache, storage, context,
// dependencies). Made once per run by ./run-flow.ts and shared by its tasks and their items.
import type { ClaimedRun, StoredResult } from "../../contract/agent-protocol.ts";
import type { KernelLane } from "../kernels/kernel-lane.ts";
import type { KernelPool } from "../kernels/kernel-pool.ts";
import type { OutputLine, TaskOutcome } from "../kernels/output.ts";
import type { Sandbox } from "../isolation/sandbox.ts";
import type { RunFolders } from "../runners/run-folders.ts";
import type { RunStorage } from "../storage/run-storage.ts";
import type { EventSink } from "./events.ts";
import type { TaskContextLookup } from "./task-context.ts";
import type { DependencyServices } from "./task-dependencies.ts";

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

/** An item of a mapped task: its index (on every event it reports), and the lane running it. */
export type ItemContext = {
  index: number;
  lane?: KernelLane;
  /** The inputs all items of the task share (sent to a lane's kernel once): their names, by id. */
  common?: { id: string; keys: readonly string[] };
};
