"use client";
// The run as its flow's DAG: one node per task, coloured by the task's state, with its attempts
// and duration; clicking a node opens its panel. Built for 2,000 tasks: the layout is computed
// once per run (app/_lib/dag-layout.ts, ~40 ms for 2,000), only nodes in view are rendered, a
// node object is rebuilt only when its task changed, and a large graph opens at a readable zoom
// on its first layers (with a minimap) instead of fitting 2,000 nodes into the pane.
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from "@/app/_lib/dag-layout";
import { formatDuration } from "@/app/_lib/format";
import { BORDER, FILL, HEX, stateLabel } from "@/app/_lib/state-colors";
import { MapBar, MapCounts, timesLabel } from "./map-counts";
import type { RunPageTask } from "./use-run-page";

type TaskNodeData = { task: RunPageTask };
type TaskNode = Node<TaskNodeData, "task">;

const HIDDEN_HANDLE = "!size-1 !min-h-0 !min-w-0 !border-0 !bg-transparent";

const HANDLES = [
  { type: "target" as const, position: Position.Top, x: NODE_WIDTH / 2, y: 0, width: 1, height: 1 },
  {
    type: "source" as const,
    position: Position.Bottom,
    x: NODE_WIDTH / 2,
    y: NODE_HEIGHT,
    width: 1,
    height: 1,
  },
];

// Task objects keep their identity until they change, so their nodes can be remembered by them.
const NODES = new WeakMap<RunPageTask, TaskNode>();

const TaskNodeView = memo(function TaskNodeView({ data, selected }: NodeProps<TaskNode>) {
  const { task } = data;
  return (
    <div
      data-task={task.name}
      data-state={task.state}
      data-mapped={task.map ? "" : undefined}
      title={
        task.error
          ? `${task.error.type}: ${task.error.message}`
          : task.map
            ? `${task.name}: ${stateLabel(task.state)}${task.startedAt ? ` · ${formatDuration(task.startedAt, task.endedAt)}` : ""}`
            : undefined
      }
      style={{ width: NODE_WIDTH, height: NODE_HEIGHT }}
      className={`flex cursor-pointer items-center gap-2 overflow-hidden rounded-lg border-2 bg-white pr-2 text-xs shadow-sm dark:bg-zinc-900 ${BORDER[task.state]} ${
        selected ? "ring-2 ring-indigo-500 ring-offset-1 dark:ring-offset-zinc-950" : ""
      }`}
    >
      <Handle
        type="target"
        position={Position.Top}
        isConnectable={false}
        className={HIDDEN_HANDLE}
      />
      <span className={`h-full w-1.5 shrink-0 ${FILL[task.state]}`} aria-hidden />
      {task.map ? (
        // A mapped task is one node for all its items: ×N, their counts by state, and a bar
        // of how many are done.
        <span className="flex min-w-0 flex-1 flex-col justify-center gap-0.5">
          <span className="flex items-baseline gap-1">
            <span className="min-w-0 truncate font-mono font-medium">{task.name}</span>
            <span
              className="ml-auto shrink-0 font-mono font-semibold text-indigo-700 dark:text-indigo-300"
              data-testid="map-times"
            >
              {timesLabel(task.map)}
            </span>
          </span>
          <span className="block truncate text-[11px] leading-4 text-zinc-600 dark:text-zinc-400">
            <MapCounts map={task.map} compact />
          </span>
          <MapBar map={task.map} running={task.state === "Running"} className="h-1" />
        </span>
      ) : (
        <span className="min-w-0 flex-1">
          <span className="block truncate font-mono font-medium">{task.name}</span>
          <span className="block truncate text-zinc-500">
            {stateLabel(task.state)}
            {task.attempts > 1 ? ` · ${task.attempts} attempts` : ""}
            {task.startedAt ? ` · ${formatDuration(task.startedAt, task.endedAt)}` : ""}
          </span>
        </span>
      )}
      <Handle
        type="source"
        position={Position.Bottom}
        isConnectable={false}
        className={HIDDEN_HANDLE}
      />
    </div>
  );
});

// Module level: a new object per render would make React Flow re-mount every node.
const nodeTypes = { task: TaskNodeView };
const PRO_OPTIONS = { hideAttribution: true };
// Above this many tasks the graph opens on its first layers rather than fitted to the pane.
const FIT_LIMIT = 120;

type Props = {
  tasks: readonly RunPageTask[];
  selected: string | null;
  dark: boolean;
  onSelectTask: (name: string | null) => void;
};

export const RunGraph = memo(function RunGraph(props: Props) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
});

function GraphCanvas({ tasks, selected, dark, onSelectTask }: Props) {
  // A run's DAG never changes: lay it out and draw its edges once (the parent keys this
  // component by run).
  const [dag] = useState(tasks);
  const positions = useMemo(() => layoutDag(dag), [dag]);
  const flow = useReactFlow();
  // A task selected elsewhere (its timeline row, a state's count, the find box) comes into view.
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const at = selected ? positions.get(selected) : undefined;
    const box = container.current?.getBoundingClientRect();
    if (!at || !box) return;
    const topLeft = flow.flowToScreenPosition(at);
    const bottomRight = flow.flowToScreenPosition({ x: at.x + NODE_WIDTH, y: at.y + NODE_HEIGHT });
    const inView =
      topLeft.x >= box.left &&
      topLeft.y >= box.top &&
      bottomRight.x <= box.right &&
      bottomRight.y <= box.bottom;
    if (inView) return;
    const { zoom } = flow.getViewport();
    void flow.setCenter(at.x + NODE_WIDTH / 2, at.y + NODE_HEIGHT / 2, {
      zoom: Math.max(zoom, 0.6),
      duration: 200,
    });
  }, [selected, positions, flow]);
  const edges = useMemo<Edge[]>(
    () =>
      dag.flatMap((t) =>
        t.dependsOn.map((d) => ({
          id: `${d}→${t.name}`,
          source: d,
          target: t.name,
          focusable: false,
        })),
      ),
    [dag],
  );

  // A node object is rebuilt only when its task changed (a live change replaces only the tasks
  // it touched), and only the selected node is a copy: React Flow redraws just those nodes.
  const nodes = useMemo(
    () =>
      tasks.map((task) => {
        let node = NODES.get(task);
        if (!node) {
          node = {
            id: task.name,
            type: "task" as const,
            position: positions.get(task.name) ?? { x: 0, y: 0 },
            data: { task },
            draggable: false,
            connectable: false,
            // Known sizes and handle positions: React Flow places nodes and edges, and culls
            // those out of view, without measuring 2,000 nodes in the page first.
            width: NODE_WIDTH,
            height: NODE_HEIGHT,
            handles: HANDLES,
          };
          NODES.set(task, node);
        }
        return task.name === selected ? { ...node, selected: true } : node;
      }),
    [tasks, selected, positions],
  );

  const large = tasks.length > FIT_LIMIT;
  const initial = useMemo(() => {
    if (!large) return undefined;
    // The roots' layer, centred, at a zoom where names read.
    const xs = [...positions.values()].map((p) => p.x);
    const mid = (Math.min(...xs) + Math.max(...xs) + NODE_WIDTH) / 2;
    return { x: 480 - mid * 0.8, y: 24, zoom: 0.8 };
  }, [large, positions]);

  return (
    <div ref={container} className="h-full w-full [will-change:transform]" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        colorMode={dark ? "dark" : "light"}
        fitView={!large}
        // Nodes out of view are never rendered, so never measured: fit by their declared sizes.
        fitViewOptions={{ maxZoom: 1.2, includeHiddenNodes: true }}
        defaultViewport={initial}
        minZoom={0.05}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        panActivationKeyCode={null}
        deleteKeyCode={null}
        onNodeClick={(_, node) => onSelectTask(node.id)}
        onPaneClick={() => onSelectTask(null)}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={16} size={1} />
        <Controls showInteractive={false} />
        {large ? (
          <MiniMap
            pannable
            zoomable
            nodeColor={(node) => HEX[(node.data as TaskNodeData).task.state]}
          />
        ) : null}
      </ReactFlow>
    </div>
  );
}
