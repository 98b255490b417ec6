// One palette for run and task states, for every place that shows a state: badges, graph nodes,
// timeline bars, the dashboard's chart.
import type { FlowRunDisplayState, TaskRunState } from "@/contract/run-states";

export type AnyState = FlowRunDisplayState | TaskRunState;

/** Badge: background and text. */
export const BADGE: Record<AnyState, string> = {
  Scheduled: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  Pending: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  Late: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  Paused: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  Running: "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300",
  Retrying: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  Cancelling: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  Completed: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  Cached: "bg-teal-100 text-teal-800 dark:bg-teal-950 dark:text-teal-300",
  Failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  Crashed: "bg-orange-100 text-orange-800 dark:bg-orange-950 dark:text-orange-300",
  Cancelled: "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  NotRun: "bg-zinc-100 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-500",
};

/** A solid fill (timeline bars, chart segments, a node's state stripe). */
export const FILL: Record<AnyState, string> = {
  Scheduled: "bg-zinc-400",
  Pending: "bg-zinc-300 dark:bg-zinc-600",
  Late: "bg-amber-400",
  Paused: "bg-slate-400",
  Running: "bg-blue-500",
  Retrying: "bg-amber-500",
  Cancelling: "bg-amber-500",
  Completed: "bg-emerald-500",
  Cached: "bg-teal-400",
  Failed: "bg-red-500",
  Crashed: "bg-orange-500",
  Cancelled: "bg-zinc-400",
  NotRun: "bg-zinc-300 dark:bg-zinc-700",
};

/** The same fills as colours, for what paints SVG (the run graph's minimap). */
export const HEX: Record<AnyState, string> = {
  Scheduled: "#a1a1aa",
  Pending: "#d4d4d8",
  Late: "#fbbf24",
  Paused: "#94a3b8",
  Running: "#3b82f6",
  Retrying: "#f59e0b",
  Cancelling: "#f59e0b",
  Completed: "#10b981",
  Cached: "#2dd4bf",
  Failed: "#ef4444",
  Crashed: "#f97316",
  Cancelled: "#a1a1aa",
  NotRun: "#e4e4e7",
};

/** A node's border in the run graph. */
export const BORDER: Record<AnyState, string> = {
  Scheduled: "border-zinc-300 dark:border-zinc-700",
  Pending: "border-zinc-300 dark:border-zinc-700",
  Late: "border-amber-400",
  Paused: "border-slate-400",
  Running: "border-blue-500",
  Retrying: "border-amber-500",
  Cancelling: "border-amber-500",
  Completed: "border-emerald-500",
  Cached: "border-teal-400",
  Failed: "border-red-500",
  Crashed: "border-orange-500",
  Cancelled: "border-zinc-400",
  NotRun: "border-zinc-300 border-dashed dark:border-zinc-700",
};

export function stateLabel(state: AnyState): string {
  return state === "NotRun" ? "Not run" : state;
}
