import type { FlowRunDisplayState, TaskRunState } from "@/contract/run-states";

const STYLE: Record<FlowRunDisplayState | TaskRunState, string> = {
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

export function StateBadge({ state }: { state: FlowRunDisplayState | TaskRunState }) {
  return (
    <span
      data-state={state}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${STYLE[state]}`}
    >
      {state === "NotRun" ? "Not run" : state}
    </span>
  );
}
