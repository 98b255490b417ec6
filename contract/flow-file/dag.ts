// The rules that span tasks: unique names, dependencies that exist, and no cycles.
// Shared by the server (on save), the studio (refusing a dragged edge) and the agent (run order).
import type { FlowIssue } from "./issues.ts";
import { closestName } from "../closest-name.ts";

export type DagTask = { name: string; dependsOn: readonly string[] };

/** Every problem of the task graph, each naming the task and field at fault. */
export function validateDag(tasks: readonly DagTask[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const firstIndex = new Map<string, number>();
  tasks.forEach((task, i) => {
    const earlier = firstIndex.get(task.name);
    if (earlier === undefined) firstIndex.set(task.name, i);
    else {
      issues.push({
        path: ["tasks", i, "name"],
        task: task.name,
        field: "name",
        message: `task "${task.name}": duplicate name, already used by tasks[${earlier}]`,
      });
    }
  });

  tasks.forEach((task, i) => {
    const seen = new Set<string>();
    task.dependsOn.forEach((dep, k) => {
      const at = { path: ["tasks", i, "dependsOn", k], task: task.name, field: "dependsOn" };
      if (dep === task.name) {
        issues.push({ ...at, message: `task "${task.name}": dependsOn names the task itself` });
      } else if (!firstIndex.has(dep)) {
        const hint = closestName(dep, [...firstIndex.keys()]);
        issues.push({
          ...at,
          message: `task "${task.name}": dependsOn names "${dep}", which is not a task of this flow${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      } else if (seen.has(dep)) {
        issues.push({ ...at, message: `task "${task.name}": dependsOn lists "${dep}" twice` });
      }
      seen.add(dep);
    });
  });

  for (const cycle of findCycles(tasks)) {
    const first = cycle[0]!;
    issues.push({
      path: ["tasks", firstIndex.get(first) ?? 0, "dependsOn"],
      task: first,
      field: "dependsOn",
      message: `dependency cycle: ${[...cycle, first].join(" → ")}`,
    });
  }
  return issues;
}

/**
 * One cycle per strongly connected component (Tarjan), each as the list of its tasks in the
 * order data would flow round it, starting from the task that comes first in the file. Self-dependencies and unknown
 * names are reported by validateDag and ignored here.
 */
export function findCycles(tasks: readonly DagTask[]): string[][] {
  const position = new Map(tasks.map((t, i) => [t.name, i]));
  // Edges run the way data flows, upstream → downstream, as the graph draws them.
  const edges = new Map<string, string[]>(tasks.map((t) => [t.name, []]));
  for (const t of tasks) {
    for (const d of t.dependsOn) if (d !== t.name && position.has(d)) edges.get(d)!.push(t.name);
  }

  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];

  // Iterative Tarjan: a flow of 2000 tasks in a chain would overflow a recursive one.
  for (const root of edges.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const successors = edges.get(frame.node)!;
      if (frame.next < successors.length) {
        const w = successors[frame.next++]!;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        if (component.length > 1) components.push(component);
      }
    }
  }

  return components
    .map((component) => cycleWithin(new Set(component), edges, position))
    .sort((a, b) => position.get(a[0]!)! - position.get(b[0]!)!);
}

/** A simple cycle through the component's first task (in file order), following edges. */
function cycleWithin(
  members: Set<string>,
  edges: Map<string, string[]>,
  position: Map<string, number>,
): string[] {
  const start = [...members].sort((a, b) => position.get(a)! - position.get(b)!)[0]!;
  // Breadth-first from start back to start: the shortest cycle reads best in a message.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of edges.get(node)!) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * The tasks in an order where each comes after everything it depends on; among tasks that are
 * ready together, file order wins, so the order is stable and reads like the notebook.
 * Assumes a valid DAG (validateDag found nothing).
 */
export function topologicalOrder<T extends DagTask>(tasks: readonly T[]): T[] {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const position = new Map(tasks.map((t, i) => [t.name, i]));
  const remaining = new Map(tasks.map((t) => [t.name, new Set(t.dependsOn)]));
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.name, []]));
  for (const t of tasks) for (const d of t.dependsOn) dependents.get(d)?.push(t.name);

  const ready = tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.name);
  const order: T[] = [];
  while (ready.length) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const name = ready.shift()!;
    order.push(byName.get(name)!);
    for (const child of dependents.get(name)!) {
      const waiting = remaining.get(child)!;
      waiting.delete(name);
      if (waiting.size === 0) ready.push(child);
    }
  }
  return order;
}

/**
 * Whether adding the edge `from → to` (to depends on from) would close a cycle; if so, the
 * cycle to show in data-flow order, starting and ending at `from`.
 */
export function cycleIfConnected(
  tasks: readonly DagTask[],
  from: string,
  to: string,
): string[] | null {
  if (from === to) return [from, from];
  const dependsOn = new Map(tasks.map((t) => [t.name, t.dependsOn]));
  // A cycle appears when `from` already depends, directly or not, on `to`.
  const previous = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length) {
    const node = queue.shift()!;
    if (node === to) {
      // Walk back along "depends on" from `to`: that is data-flow order, to → … → from.
      const path = [to];
      while (path[path.length - 1] !== from) path.push(previous.get(path[path.length - 1]!)!);
      return [from, ...path];
    }
    for (const next of dependsOn.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}
