// Which tasks run again and which hand on an earlier result: the rule that spreads a re-run
// downstream, shared by notebook cell runs and replays.
import type { DagTask } from "../../../contract/flow-file/dag.ts";

export type DownstreamOf = { reason: "downstream"; of: string };

/**
 * Walks `tasks`, which must be in topological order. A task re-runs for its own reason
 * (`ownReason` returns one), or because a task it depends on re-runs: its earlier result was
 * computed from inputs that are about to change. Returns, per task, why it re-runs — or null
 * when its earlier result is reused. Dependencies outside `tasks` count as not re-running.
 */
export function decideReruns<T extends DagTask, R>(
  tasks: readonly T[],
  ownReason: (task: T) => R | null,
): Map<string, R | DownstreamOf | null> {
  const decided = new Map<string, R | DownstreamOf | null>();
  for (const task of tasks) {
    const own = ownReason(task);
    const upstream =
      own === null ? task.dependsOn.find((d) => (decided.get(d) ?? null) !== null) : undefined;
    decided.set(task.name, own ?? (upstream ? { reason: "downstream", of: upstream } : null));
  }
  return decided;
}
