// Where a flow run executes. Every runner reports through the same events, so the agent's loop,
// its reporting and the server do not care which one ran the tasks.
import type { ClaimedRun, EnvironmentLock, StoredResult } from "../../contract/agent-protocol.ts";
import type { RunStorage } from "../storage/run-storage.ts";
import type { EventSink } from "../executor/events.ts";
import type { TaskContextLookup } from "../executor/task-context.ts";
import type { FlowEnd } from "../executor/run-flow.ts";

export type RunRequest = {
  run: ClaimedRun;
  sink: EventSink;
  /** Aborts on cancel (reason "cancel") or when the lease is lost (reason "lost"). */
  signal: AbortSignal;
  cacheLookup: (
    key: string,
  ) => Promise<{ hit: boolean; result?: unknown; source?: string; stored?: StoredResult }>;
  /** The run's storage for large results, given a folder to keep downloads in. */
  storage?: (dir: string) => RunStorage;
  /** A task's declared secrets and variables, fetched with the run's token. */
  taskContext: TaskContextLookup;
  /** Records the lock a dependency build resolved with the run's flow version. */
  reportLock?: (specHash: string, lock: EnvironmentLock) => void;
};

export type Runner = { execute(request: RunRequest): Promise<FlowEnd> };
