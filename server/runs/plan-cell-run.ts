// Which tasks a notebook cell run ("Run cell") executes and which upstream results it reuses.
// Like a notebook kernel that remembers earlier cells, a cell runs against the results its
// upstream tasks produced last time; unlike one, a result is only reused while it is still
// true: the upstream's code, language and own inputs must be unchanged since it was produced.
import type { DagTask } from "../../contract/flow-file/dag.ts";
import { topologicalOrder } from "../../contract/flow-file/dag.ts";

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
  const run: string[] = [];
  const reuse: string[] = [];
  const rerun = new Set<string>();
  for (const task of topologicalOrder(tasks.filter((t) => ancestors.has(t.name)))) {
    // A result computed from inputs that are about to change is stale too.
    if (reusable.has(task.name) && !task.dependsOn.some((d) => rerun.has(d))) {
      reuse.push(task.name);
    } else {
      rerun.add(task.name);
      run.push(task.name);
    }
  }
  run.push(target);
  return { run, reuse };
}
