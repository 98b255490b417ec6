// Fan-out (../../DESIGN.md "map"): a task with `map` runs once per item of a list — a flow
// parameter or the result of a direct upstream task — or once per position of several lists
// zipped together. What can be checked before a run is checked here, on save: every mapped name
// is a parameter or a direct upstream, `mapConcurrency` and `mapFailure` only on mapped tasks.
// And the plan of item-by-item chaining: a task mapped over a mapped upstream's results starts
// item i as soon as that upstream's item i is done (Mage's "stream mode"), instead of waiting for
// the whole upstream — the shape that hung in Prefect #7299.
import type { FlowIssue } from "./issues.ts";
import { closestName } from "../closest-name.ts";

type MappableTask = {
  name: string;
  dependsOn: readonly string[];
  map?: string | readonly string[] | undefined;
  mapConcurrency?: number | undefined;
  mapFailure?: string | undefined;
};

/** The lists a task is mapped over, in the order they are zipped; empty when it is not mapped. */
export function mapSources(task: Pick<MappableTask, "map">): string[] {
  if (task.map === undefined) return [];
  return typeof task.map === "string" ? [task.map] : [...task.map];
}

export const isMapped = (task: Pick<MappableTask, "map">) => task.map !== undefined;

/** Every problem of the tasks' map settings, each naming the task and field. */
export function validateMapping(
  tasks: readonly MappableTask[],
  parameterNames: readonly string[],
): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const params = new Set(parameterNames);
  tasks.forEach((task, i) => {
    if (task.map === undefined) {
      for (const field of ["mapConcurrency", "mapFailure"] as const) {
        if (task[field] === undefined) continue;
        issues.push({
          path: ["tasks", i, field],
          task: task.name,
          field,
          message: `task "${task.name}": ${field} applies only to a mapped task — set map to the list to map over, or remove ${field}`,
        });
      }
      return;
    }
    const sources = mapSources(task);
    const seen = new Set<string>();
    sources.forEach((source, k) => {
      const path = typeof task.map === "string" ? ["tasks", i, "map"] : ["tasks", i, "map", k];
      const at = { path, task: task.name, field: "map" };
      if (seen.has(source)) {
        issues.push({ ...at, message: `task "${task.name}": map lists "${source}" twice` });
        return;
      }
      seen.add(source);
      if (source === task.name) {
        issues.push({
          ...at,
          message: `task "${task.name}": map names the task itself; map over a parameter or an upstream task's result`,
        });
      } else if (!task.dependsOn.includes(source) && !params.has(source)) {
        const upstream = tasks.some((t) => t.name === source);
        const hint = closestName(source, [...task.dependsOn, ...params]);
        issues.push({
          ...at,
          message: upstream
            ? `task "${task.name}": map names task "${source}", which is not one of its upstream tasks — add "${source}" to dependsOn (drag an edge from it)`
            : `task "${task.name}": map names "${source}", which is neither a parameter of the flow nor an upstream task of "${task.name}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
    });
  });
  return issues;
}

/**
 * For each mapped task, the mapped upstream tasks it is chained to item by item: those of its
 * map sources that are mapped tasks themselves. Item i of the task waits only for item i of each
 * of them (and for its other dependencies as a whole).
 */
export function chainPlan(tasks: readonly MappableTask[]): Map<string, string[]> {
  const mapped = new Set(tasks.filter(isMapped).map((t) => t.name));
  const plan = new Map<string, string[]>();
  for (const task of tasks) {
    if (!isMapped(task)) continue;
    const chained = mapSources(task).filter((s) => mapped.has(s) && task.dependsOn.includes(s));
    if (chained.length) plan.set(task.name, chained);
  }
  return plan;
}

/** The input name under which a `mapFailure: continue` task's failed items reach its downstream. */
export const failuresInputName = (task: string) => `${task}_failures`;
