// Where each task's node sits in the graph: a layered DAG layout (dagre), top to bottom in data
// flow order. Recomputed only when the graph's shape changes, never while code is typed.
import { Graph, layout } from "@dagrejs/dagre";

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 44;

export function layoutDag(
  tasks: readonly { name: string; dependsOn: readonly string[] }[],
): Map<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 48, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set(tasks.map((t) => t.name));
  for (const t of tasks) g.setNode(t.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const t of tasks) {
    for (const d of t.dependsOn) if (names.has(d) && d !== t.name) g.setEdge(d, t.name);
  }
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const t of tasks) {
    const node = g.node(t.name);
    // dagre gives centres; React Flow places nodes by their top-left corner.
    out.set(t.name, { x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 });
  }
  return out;
}
