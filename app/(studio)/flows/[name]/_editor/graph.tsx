"use client";
// The flow as a graph: one node per task, one edge per dependency. Dragging from a node's output
// (bottom) to another's input (top) asks for a dependency; selecting an edge and pressing Delete
// or Backspace removes it. Nodes are placed by the layout, so the graph always reads top-down.
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Layers } from "lucide-react";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Language } from "@/contract/flow-file/schema";
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from "@/app/_lib/dag-layout";

export type GraphTask = {
  name: string;
  language: Language;
  dependsOn: readonly string[];
  /** Mapped over these lists (a fan-out node), or undefined. */
  map?: readonly string[];
};

type TaskNodeData = { name: string; language: Language; map?: readonly string[] };
type TaskNode = Node<TaskNodeData, "task">;

const LANGUAGE_LABEL: Record<Language, string> = { python: "py", typescript: "ts", shell: "sh" };
const TaskNodeView = memo(function TaskNodeView({ data, selected }: NodeProps<TaskNode>) {
  return (
    <div
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      data-mapped={data.map ? "" : undefined}
      className={`flex items-center gap-2 rounded-lg border bg-white px-3 text-sm dark:bg-zinc-900 ${
        selected ? "border-indigo-500" : "border-zinc-300 dark:border-zinc-700"
      } ${
        // A mapped task is drawn as a stack: it runs once per item.
        data.map
          ? "shadow-[3px_3px_0_-1px_white,3px_3px_0_0_rgb(161_161_170),6px_6px_0_-1px_white,6px_6px_0_0_rgb(161_161_170)] dark:shadow-[3px_3px_0_-1px_rgb(24_24_27),3px_3px_0_0_rgb(82_82_91),6px_6px_0_-1px_rgb(24_24_27),6px_6px_0_0_rgb(82_82_91)]"
          : "shadow-sm"
      }`}
      title={data.map ? `runs once per item of ${data.map.join(" × ")}` : undefined}
    >
      <Handle type="target" position={Position.Top} className="!size-3 !bg-zinc-400" />
      <span className="rounded bg-zinc-100 px-1 font-mono text-[10px] uppercase text-zinc-500 dark:bg-zinc-800">
        {LANGUAGE_LABEL[data.language]}
      </span>
      <span className="truncate font-medium">{data.name}</span>
      {data.map ? (
        <span className="ml-auto inline-flex min-w-0 shrink items-center gap-0.5 font-mono text-xs text-indigo-600 dark:text-indigo-400">
          <Layers className="size-3 shrink-0" aria-hidden />
          <span className="truncate">{data.map.join(" × ")}</span>
        </span>
      ) : null}
      <Handle type="source" position={Position.Bottom} className="!size-3 !bg-indigo-500" />
    </div>
  );
});

// Module level: a new object per render would make React Flow re-mount every node.
const nodeTypes = { task: TaskNodeView };

export type GraphProps = {
  tasks: readonly GraphTask[];
  selected: string | null;
  dark: boolean;
  onConnect: (source: string, target: string) => void;
  onDisconnect: (edges: { source: string; target: string }[]) => void;
  onSelectTask: (name: string) => void;
};

// Memoised: the editor re-renders on every keystroke, and a re-render of React Flow — even with
// the same nodes — walks its store's subscribers for all of them.
export const FlowGraph = memo(function FlowGraph(props: GraphProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
});

const DELETE_KEYS = ["Delete", "Backspace"];
const PRO_OPTIONS = { hideAttribution: true };

function GraphCanvas({ tasks, selected, dark, onConnect, onDisconnect, onSelectTask }: GraphProps) {
  const positions = useMemo(() => layoutDag(tasks), [tasks]);
  const flow = useReactFlow();
  // Derived from the draft: the graph holds no state of its own but which edges are selected.
  const unselected = useMemo<TaskNode[]>(
    () =>
      tasks.map((t) => ({
        id: t.name,
        type: "task",
        position: positions.get(t.name) ?? { x: 0, y: 0 },
        data: { name: t.name, language: t.language, map: t.map },
        selected: false,
        deletable: false,
        draggable: false,
      })),
    [tasks, positions],
  );
  // Only the selected node is a new object: React Flow re-renders the nodes whose object
  // changed, so moving the selection redraws two nodes, not all of them.
  const nodes = useMemo(
    () => unselected.map((n) => (n.id === selected ? { ...n, selected: true } : n)),
    [unselected, selected],
  );
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const edges = useMemo<Edge[]>(
    () =>
      tasks.flatMap((t) =>
        t.dependsOn.map((d) => {
          const id = `${d}->${t.name}`;
          return {
            id,
            source: d,
            target: t.name,
            deletable: true,
            selected: selectedEdges.has(id),
            ariaLabel: `${d} to ${t.name}`,
          };
        }),
      ),
    [tasks, selectedEdges],
  );

  // A new or removed task changes what fits: frame the whole graph again.
  useEffect(() => {
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1.2 }), 30);
    return () => clearTimeout(timer);
  }, [tasks.length, flow]);

  // Focusing a cell shows its node — moving the view only when the node is out of sight, so the
  // graph never slides away under a pointer about to drag.
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const at = selected ? positions.get(selected) : undefined;
    const box = container.current?.getBoundingClientRect();
    if (!at || !box) return;
    const topLeft = flow.flowToScreenPosition(at);
    const bottomRight = flow.flowToScreenPosition({ x: at.x + NODE_WIDTH, y: at.y + NODE_HEIGHT });
    const visible =
      topLeft.x >= box.left &&
      topLeft.y >= box.top &&
      bottomRight.x <= box.right &&
      bottomRight.y <= box.bottom;
    if (visible) return;
    const { zoom } = flow.getViewport();
    void flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, { zoom, duration: 200 });
  }, [selected, positions, flow]);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setSelectedEdges((previous) => {
      const next = new Set(previous);
      for (const change of changes) {
        if (change.type === "select") {
          if (change.selected) next.add(change.id);
          else next.delete(change.id);
        } else if (change.type === "remove") next.delete(change.id);
      }
      return next;
    });
  }, []);
  const connect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) onConnect(c.source, c.target);
    },
    [onConnect],
  );
  const edgesDeleted = useCallback(
    (deleted: Edge[]) => onDisconnect(deleted.map((e) => ({ source: e.source, target: e.target }))),
    [onDisconnect],
  );
  const nodeClicked = useCallback(
    (_: unknown, node: TaskNode) => onSelectTask(node.id),
    [onSelectTask],
  );

  // Its own compositing layer: otherwise every frame of the page (each keystroke in a cell) makes
  // the browser sort the hundreds of nodes' paint chunks into layers again — 10–20 ms a frame
  // with 200 tasks, measured; in a layer of their own they are sorted only when the graph paints.
  return (
    <div ref={container} className="size-full will-change-transform">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        onEdgesDelete={edgesDeleted}
        onNodeClick={nodeClicked}
        deleteKeyCode={DELETE_KEYS}
        panActivationKeyCode={null}
        colorMode={dark ? "dark" : "light"}
        fitView
        minZoom={0.1}
        proOptions={PRO_OPTIONS}
        aria-label="Flow graph"
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
