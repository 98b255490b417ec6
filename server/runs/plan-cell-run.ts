// Which tasks a notebook cell run ("Run cell") executes and which upstream results it reuses.
// Like a notebook kernel that remembers earlier cells, a cell runs against the results its
// upstream tasks produced last time; unlike one, a result is only reused while it is still
// true: the upstream task must be unchanged since it was produced (replay/task-changes.ts) and
// none of its own upstream tasks may run again (replay/decide-reruns.ts).
import type { DagTask } from "../../contract/flow-file/dag.ts";
import { topologicalOrder } from "../../contract/flow-file/dag.ts";
import { decideReruns } from "./replay/decide-reruns.ts";

export type CellRunPlan = {
  /** The tasks to execute, in topological order (the target last). */
  run: string[];
  /** Upstream tasks whose earlier result is handed on instead of running them again. */
  reuse: string[];
};

/**
 * @param tasks the flow's tasks
 * @param target the task of the cell
 * @param reusable upstream tasks that have a result from an earlier run made with their current code
 */
export function planCellRun(
  tasks: readonly DagTask[],
  target: string,
  reusable: ReadonlySet<string>,
): CellRunPlan {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const ancestors = new Set<string>();
  const stack = [...(byName.get(target)?.dependsOn ?? [])];
  while (stack.length) {
    const name = stack.pop()!;
    if (ancestors.has(name)) continue;
    ancestors.add(name);
    stack.push(...(byName.get(name)?.dependsOn ?? []));
  }
  const decided = decideReruns(
    topologicalOrder(tasks.filter((t) => ancestors.has(t.name))),
    (task) => (reusable.has(task.name) ? null : "no result"),
  );
  const run: string[] = [];
  const reuse: string[] = [];
  for (const [name, why] of decided) (why === null ? reuse : run).push(name);
  run.push(target);
  return { run, reuse };
}
