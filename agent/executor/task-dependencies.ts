// Before a task with dependencies runs: its environment, built on first use (the build's output
// in the task's log, marked [deps]) or taken from the machine's cache, and the kernel group of
// that environment. The lock a first build resolved goes to the server, so later runs of the
// flow version install exactly those versions.
import type {
  ClaimedRun,
  EnvironmentLock,
  ExecutableTask,
  TaskError,
} from "../../contract/agent-protocol.ts";
import {
  environmentSpecHash,
  environmentSpecOf,
} from "../../contract/flow-file/environment-spec.ts";
import type { EnvironmentStore, ReadyEnvironment } from "../environments/environment-store.ts";
import type { OutputLine } from "../kernels/output.ts";
import { environmentGroup, type KernelGroup, type RunFolders } from "../runners/run-folders.ts";

export type DependencyServices = {
  store: EnvironmentStore;
  /** Records a lock with the run's flow version (the first report wins on the server). */
  reportLock?: (specHash: string, lock: EnvironmentLock) => void;
};

export type PreparedDependencies =
  | { ok: true; group: KernelGroup; env?: ReadyEnvironment }
  | { ok: false; error: TaskError }
  | { ok: false; cancelled: true };

export async function prepareDependencies(
  services: DependencyServices | undefined,
  run: ClaimedRun,
  folders: RunFolders,
  task: ExecutableTask,
  signal: AbortSignal,
  onOutput: (line: OutputLine) => void,
): Promise<PreparedDependencies> {
  const spec = environmentSpecOf(run.dependencies, task);
  if (!spec || !services) return { ok: true, group: folders.group };
  const specHash = environmentSpecHash(spec);
  const lock = run.locks[specHash];
  const building = services.store.prepare(spec, lock, (line) =>
    onOutput({ level: line.level, message: line.message, at: new Date() }),
  );
  // A cancel stops the wait, not the build: another task (or agent) may be waiting for it too.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"cancelled">((resolve) => {
    onAbort = () => resolve("cancelled");
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const ready = await Promise.race([building, aborted]);
    if (ready === "cancelled") {
      building.catch(() => undefined);
      return { ok: false, cancelled: true };
    }
    if (!lock) services.reportLock?.(specHash, ready.lock);
    return { ok: true, group: environmentGroup(folders.group, ready), env: ready };
  } catch (error) {
    return {
      ok: false,
      error: { type: "DependencyBuildFailed", message: (error as Error).message },
    };
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
