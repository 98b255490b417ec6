"use client";
// A flow run, live: its header and actions, then the run as a graph, a timeline or its logs,
// and the selected task's panel beside them. The view and the selected task are in the URL
// (?view=timeline&task=load), so a link shows exactly this; Back returns to the previous view.
import { useCan } from "@/app/_lib/viewer";
import { useMutation, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { blockWindow } from "@/app/_components/log-viewer/all-lines";
import { LogViewer, type LogFilters } from "@/app/_components/log-viewer/log-viewer";
import { ErrorState } from "@/app/_components/page-header";
import { useDarkMode } from "@/app/_lib/use-dark-mode";
import { FILL, stateLabel } from "@/app/_lib/state-colors";
import { LOG_LEVELS, type LogLevel } from "@/contract/api-v1";
import { useTRPC } from "@/app/_lib/trpc";
import {
  isFinalDisplayState,
  isSuccessfulTaskRunState,
  TASK_RUN_STATES,
} from "@/contract/run-states";
import { ArtifactList } from "./artifact-list";
import { ReplayDialog, type ReplayTarget } from "./replay-dialog";
import { RunHeader } from "./run-header";
import { RunTimeline } from "./run-timeline";
import { TaskPanel } from "./task-panel";
import { useRunPage, type RunPageTask } from "./use-run-page";

// React Flow is the page's largest script: fetched only when the graph is shown.
const RunGraph = dynamic(() => import("./run-graph").then((m) => m.RunGraph), {
  ssr: false,
  loading: () => <p className="px-6 py-4 text-sm text-zinc-500">Drawing the graph…</p>,
});

const VIEWS = ["graph", "timeline", "logs", "artifacts"] as const;
type View = (typeof VIEWS)[number];

export function RunPage({ id }: { id: string }) {
  const { page, live } = useRunPage(id);
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const dark = useDarkMode();
  const trpc = useTRPC();
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const canOperate = useCan("operate");
  const [replay, setReplay] = useState<ReplayTarget | null>(null);

  const view: View = (VIEWS as readonly string[]).includes(params.get("view") ?? "")
    ? (params.get("view") as View)
    : "graph";
  const selected = params.get("task");
  // Each change starts from the last one asked for, not from the rendered params nor the
  // address: both lag a navigation until it commits, so two quick changes (un-toggle a level,
  // then search) each started from the same old query and the second undid the first
  // (run-page.spec, flaky in CI).
  const query = useRef(params.toString());
  useEffect(() => {
    query.current = params.toString();
  }, [params]);
  // A new view is a step Back returns from; selecting a task only replaces the address.
  const navigate = useCallback(
    (changes: Record<string, string | null>, push = false) => {
      const next = new URLSearchParams(query.current);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      query.current = next.toString();
      const url = query.current ? `${pathname}?${query.current}` : pathname;
      if (push) router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [pathname, router],
  );
  const selectTask = useCallback(
    (name: string | null) => navigate({ task: name, item: null }),
    [navigate],
  );
  // A mapped task's item open in its panel (?item=7).
  const itemParam = params.get("item");
  const selectedItem = itemParam !== null && /^\d+$/.test(itemParam) ? Number(itemParam) : null;
  const selectItem = useCallback(
    (item: number | null) => navigate({ item: item === null ? null : String(item) }),
    [navigate],
  );
  // A run's tasks never change (only their states do): their names, once.
  const taskCount = page.data?.tasks.length ?? 0;
  const taskNames = useMemo(
    () => page.data?.tasks.map((t) => t.name) ?? [],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the names, not the live states
    [id, taskCount],
  );
  // Opened on its logs, the page reads their first lines together with the run, not after it.
  useQuery({
    ...trpc.logs.window.queryOptions(blockWindow(id, 0)),
    enabled: view === "logs" && !params.get("logTask") && !params.get("level") && !params.get("q"),
    staleTime: Infinity,
  });
  // The log's filters are in the address too (a link to "the errors of task load").
  const logFilters: LogFilters = {
    task: params.get("logTask") ?? undefined,
    levels: params
      .get("level")
      ?.split(",")
      .filter((l): l is LogLevel => (LOG_LEVELS as readonly string[]).includes(l)),
    q: params.get("q") ?? undefined,
  };
  const setLogFilters = (change: Partial<LogFilters>) => {
    const changes: Record<string, string | null> = {};
    if ("task" in change) changes.logTask = change.task ?? null;
    if ("levels" in change) changes.level = change.levels?.length ? change.levels.join(",") : null;
    if ("q" in change) changes.q = change.q ?? null;
    navigate(changes);
  };

  if (page.isPending) return <p className="px-6 py-4 text-sm text-zinc-500">Loading the run…</p>;
  if (page.isError) return <ErrorState message={`Could not load the run: ${page.error.message}`} />;
  const { header, tasks, serverTime } = page.data;
  const skewMs = Date.parse(serverTime) - page.dataUpdatedAt;
  const task = selected ? (tasks.find((t) => t.name === selected) ?? null) : null;
  const final = isFinalDisplayState(header.state);

  const actions: ReactNode = (
    <>
      <LiveStatus status={final ? "ended" : live.status} />
      {!canOperate ? null : !final ? (
        <button
          type="button"
          className={buttonClass("secondary")}
          disabled={cancel.isPending || header.state === "Cancelling"}
          onClick={() => {
            if (window.confirm("Cancel this run? Its running tasks are stopped.")) {
              cancel.mutate({ id });
            }
          }}
        >
          {header.state === "Cancelling" ? "Cancelling…" : "Cancel run"}
        </button>
      ) : header.cellTask ? null : (
        <>
          {tasks.some(
            (t) =>
              !isSuccessfulTaskRunState(t.state) ||
              // A task mapped with mapFailure: continue completes with its failed items: they
              // can be re-run too (the replay re-runs only them).
              Boolean(t.map?.states.Failed || t.map?.states.Crashed),
          ) ? (
            <button
              type="button"
              className={buttonClass("primary")}
              onClick={() => setReplay({ kind: "fromFailure" })}
            >
              Retry from failure
            </button>
          ) : null}
          <button
            type="button"
            className={buttonClass("secondary")}
            onClick={() => setReplay({ kind: "retry" })}
          >
            Retry
          </button>
        </>
      )}
    </>
  );

  return (
    <div className="flex h-screen min-h-0 flex-col">
      <ReplayDialog
        runId={id}
        runVersion={header.flow.version}
        target={replay}
        onClose={() => setReplay(null)}
      />
      <RunHeader header={header} actions={actions} />
      {cancel.error ? (
        <div className="px-6 pt-2">
          <Alert>{cancel.error.message}</Alert>
        </div>
      ) : null}
      <div
        className="flex items-center gap-1 border-b border-zinc-200 px-6 dark:border-zinc-800"
        role="tablist"
      >
        {VIEWS.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            onClick={() => navigate({ view: v === "graph" ? null : v }, true)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm capitalize ${
              view === v
                ? "border-indigo-500 font-medium"
                : "border-transparent text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
            }`}
          >
            {v}
          </button>
        ))}
        <TaskFinder names={taskNames} onSelectTask={selectTask} />
        <TaskCounts tasks={tasks} selected={selected} onSelectTask={selectTask} />
      </div>
      <div
        className={`grid min-h-0 flex-1 ${task ? "grid-cols-[minmax(0,1fr)_minmax(360px,38%)]" : "grid-cols-1"}`}
      >
        <div className="min-h-0 min-w-0" role="tabpanel" aria-label={view}>
          {view === "graph" ? (
            <RunGraph
              key={id}
              tasks={tasks}
              selected={selected}
              dark={dark}
              onSelectTask={selectTask}
            />
          ) : view === "artifacts" ? (
            <ArtifactList key={id} runId={id} live={!final} onSelectTask={selectTask} />
          ) : view === "logs" ? (
            <LogViewer
              key={id}
              runId={id}
              total={header.logLines}
              ended={final}
              tasks={tasks.map((t) => t.name)}
              filters={logFilters}
              onFiltersChange={setLogFilters}
            />
          ) : (
            <RunTimeline
              header={header}
              tasks={tasks}
              skewMs={skewMs}
              selected={selected}
              onSelectTask={selectTask}
            />
          )}
        </div>
        {task ? (
          <TaskPanel
            key={task.name}
            runId={id}
            task={task}
            onClose={() => selectTask(null)}
            onSelectTask={selectTask}
            item={selectedItem}
            onSelectItem={selectItem}
            live={!final}
            logs={(item) => (
              <div className="h-72 rounded-md border border-zinc-200 dark:border-zinc-800">
                <LogViewer
                  key={item ?? "task"}
                  runId={id}
                  total={header.logLines}
                  ended={final}
                  task={task.name}
                  item={item ?? undefined}
                />
              </div>
            )}
            actions={
              canOperate && final && !header.cellTask ? (
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  title="Run this task and everything downstream of it again; reuse the rest"
                  onClick={() => setReplay({ kind: "fromTask", task: task.name })}
                >
                  Run from here
                </button>
              ) : null
            }
          />
        ) : selected ? (
          <p className="p-4 text-sm text-zinc-500">This run has no task “{selected}”.</p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * "3 completed · 1 failed · 2 not run", each with its colour; a click goes to the next task in
 * that state (the first failure of 2,000 tasks is one click away).
 */
function TaskCounts({
  tasks,
  selected,
  onSelectTask,
}: {
  tasks: readonly RunPageTask[];
  selected: string | null;
  onSelectTask: (name: string) => void;
}) {
  const byState = new Map<string, RunPageTask[]>();
  for (const t of tasks) {
    const list = byState.get(t.state);
    if (list) list.push(t);
    else byState.set(t.state, [t]);
  }
  const next = (state: string) => {
    const list = byState.get(state) ?? [];
    const at = list.findIndex((t) => t.name === selected);
    return list[(at + 1) % list.length]!.name;
  };
  return (
    <p
      className="flex flex-wrap gap-1 text-xs text-zinc-600 dark:text-zinc-400"
      data-testid="task-counts"
    >
      {TASK_RUN_STATES.filter((s) => byState.has(s)).map((s) => (
        <button
          key={s}
          type="button"
          data-state={s}
          title={`Go to the next ${stateLabel(s).toLowerCase()} task`}
          onClick={() => onSelectTask(next(s))}
          className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <span className={`size-2 rounded-full ${FILL[s]}`} aria-hidden />
          {byState.get(s)!.length} {stateLabel(s).toLowerCase()}
        </button>
      ))}
    </p>
  );
}

/**
 * A task by name, among thousands: type, pick, and it opens. Memoised on the names (a run's tasks
 * never change): the 2,000 options are not redrawn on every live change.
 */
const TaskFinder = memo(function TaskFinder({
  names,
  onSelectTask,
}: {
  names: readonly string[];
  onSelectTask: (name: string) => void;
}) {
  const known = new Set(names);
  return (
    <label className="ml-auto flex items-center gap-1 text-xs text-zinc-500">
      <span className="sr-only">Find a task</span>
      <input
        type="search"
        list="run-task-names"
        placeholder="Find a task"
        className="w-40 rounded-md border border-zinc-300 bg-white px-2 py-0.5 text-xs dark:border-zinc-700 dark:bg-zinc-950"
        onChange={(e) => {
          if (known.has(e.target.value)) onSelectTask(e.target.value);
        }}
        onKeyDown={(e) => {
          const value = e.currentTarget.value.trim();
          if (e.key !== "Enter" || !value) return;
          const match = known.has(value) ? value : names.find((n) => n.includes(value));
          if (match) onSelectTask(match);
        }}
      />
      <datalist id="run-task-names">
        {names.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </label>
  );
});

function LiveStatus({ status }: { status: string }) {
  const [text, color] =
    status === "ended"
      ? ["", ""]
      : status === "pending"
        ? ["Live", "bg-emerald-500"]
        : status === "error"
          ? ["Reconnecting…", "bg-amber-500"]
          : ["Connecting…", "bg-zinc-400"];
  if (!text) return null;
  return (
    <span
      className="inline-flex items-center gap-1 text-xs text-zinc-500"
      data-testid="live-status"
    >
      <span className={`size-2 rounded-full ${color}`} aria-hidden />
      {text}
    </span>
  );
}
