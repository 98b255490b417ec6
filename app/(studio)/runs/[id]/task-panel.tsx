"use client";
// One task of the run, opened from its node, its timeline row or the task list: its settings as
// the run's version had them, every attempt with its error and full traceback, why it did not run
// or where its cached result came from, its result as a collapsible JSON tree (the whole value
// loads on demand when it was large), and its log lines. A mapped task also lists its items
// (item-list.tsx), and opens any one of them in the same panel (item-detail.tsx).
import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useState, type ReactNode } from "react";
import { StateBadge } from "@/app/_components/state-badge";
import { stateLabel } from "@/app/_lib/state-colors";
import { useTRPC } from "@/app/_lib/trpc";
import type { TaskRunState } from "@/contract/run-states";
import { ItemDetail } from "./item-detail";
import { ItemList } from "./item-list";
import { MapBar, MapCounts, timesLabel, type MapSummary } from "./map-counts";
import { ArtifactList } from "./artifact-list";
import { AttemptsSection, Loading, ResultOrigin, ResultView, Section } from "./task-detail-parts";
import type { RunPageTask } from "./use-run-page";

type Props = {
  runId: string;
  task: RunPageTask;
  /** Actions the page offers for this task (Run from here). */
  actions?: ReactNode;
  /** The task's log lines (the page's log viewer, filtered to this task, or to one item). */
  logs?: (item: number | null) => ReactNode;
  onClose: () => void;
  onSelectTask: (name: string) => void;
  /** The open item of a mapped task (null: the task and its item list). */
  item?: number | null;
  onSelectItem?: (item: number | null) => void;
  /** The run has not ended (its artifacts list looks for new ones). */
  live?: boolean;
};

export function TaskPanel(props: Props) {
  const { runId, task, actions, onClose } = props;
  const item = task.map ? (props.item ?? null) : null;
  return (
    <aside
      aria-label={`Task ${task.name}`}
      data-testid="task-panel"
      className="flex h-full min-h-0 flex-col overflow-hidden border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950"
    >
      <header className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 className="truncate font-mono text-sm font-semibold">{task.name}</h2>
        {task.map ? (
          <span className="font-mono text-sm font-semibold text-indigo-700 dark:text-indigo-300">
            {timesLabel(task.map)}
          </span>
        ) : null}
        <StateBadge state={task.state} />
        <span className="ml-auto" />
        {actions}
        <button
          type="button"
          aria-label="Close the task panel"
          onClick={onClose}
          className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <X className="size-4" aria-hidden />
        </button>
      </header>
      <div className="min-h-0 flex-1 space-y-4 overflow-auto px-4 py-3 text-sm">
        {task.map && item !== null ? (
          <ItemDetail
            key={item}
            runId={runId}
            task={task.name}
            map={task.map}
            item={item}
            onOpen={(i) => props.onSelectItem?.(i)}
            logs={props.logs?.(item)}
          />
        ) : (
          <TaskBody {...props} />
        )}
      </div>
    </aside>
  );
}

function TaskBody({ runId, task, logs, onSelectTask, onSelectItem, live }: Props) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.runPage.task.queryOptions({ id: runId, task: task.name }));
  const d = detail.data;
  const retryDelay = d?.spec.retryDelaySeconds;
  return (
    <>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-xs">
        <dt className="text-zinc-500">Language</dt>
        <dd>{task.language}</dd>
        {task.map ? (
          <>
            <dt className="text-zinc-500">Mapped over</dt>
            <dd>
              <span className="font-mono">{task.map.over.join(" × ")}</span>
              {task.map.count !== null ? ` · ${task.map.count.toLocaleString()} items` : ""}
              {task.map.concurrency ? ` · ${task.map.concurrency} at once` : ""}
              {` · ${task.map.failure === "continue" ? "a failed item does not fail the task" : "a failed item fails the task"}`}
            </dd>
          </>
        ) : null}
        <dt className="text-zinc-500">Retries</dt>
        <dd>
          {task.retries}
          {task.retries && retryDelay !== undefined
            ? `, waiting ${Array.isArray(retryDelay) ? retryDelay.join(", ") : retryDelay} s${d?.spec.retryBackoff === "exponential" ? " (exponential)" : ""}`
            : ""}
        </dd>
        <dt className="text-zinc-500">Timeout</dt>
        <dd>{task.timeoutSeconds ? `${task.timeoutSeconds} s` : "none"}</dd>
        {d?.spec.secrets?.length ? (
          <>
            <dt className="text-zinc-500">Secrets</dt>
            <dd className="font-mono">{d.spec.secrets.join(", ")}</dd>
          </>
        ) : null}
        {d?.spec.variables?.length ? (
          <>
            <dt className="text-zinc-500">Variables</dt>
            <dd className="font-mono">{d.spec.variables.join(", ")}</dd>
          </>
        ) : null}
        {task.dependsOn.length ? (
          <>
            <dt className="text-zinc-500">After</dt>
            <dd className="flex flex-wrap gap-1">
              {task.dependsOn.map((name) => (
                <button
                  key={name}
                  type="button"
                  onClick={() => onSelectTask(name)}
                  className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
                >
                  {name}
                </button>
              ))}
            </dd>
          </>
        ) : null}
        {task.resultFrom ? (
          <>
            <dt className="text-zinc-500">Result from</dt>
            <dd>
              <ResultOrigin runId={task.resultFrom} cachedFrom={d?.cachedFrom ?? null} />
            </dd>
          </>
        ) : null}
      </dl>

      {detail.isError ? (
        <p role="alert" className="text-red-600">
          Could not load the task: {detail.error.message}
        </p>
      ) : null}

      {task.map ? (
        <ItemsSection runId={runId} task={task} map={task.map} onOpen={(i) => onSelectItem?.(i)} />
      ) : null}

      <AttemptsSection attempts={d?.attempts ?? task.timeline.attempts} moments={d?.moments} />
      <Section title="Result">
        {d ? <ResultView runId={runId} task={task.name} result={d.result} /> : <Loading />}
      </Section>
      <Section title="Artifacts">
        <ArtifactList runId={runId} task={task.name} live={live ?? false} />
      </Section>

      {logs ? <Section title="Logs">{logs(null)}</Section> : null}
    </>
  );
}

/** A mapped task's items: counts by state (each a filter), the bar, and the list. */
function ItemsSection({
  runId,
  task,
  map,
  onOpen,
}: {
  runId: string;
  task: RunPageTask;
  map: MapSummary;
  onOpen: (item: number) => void;
}) {
  const [state, setState] = useState<TaskRunState | null>(null);
  return (
    <Section title={`Items (${map.count === null ? "not known yet" : map.count.toLocaleString()})`}>
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        <MapCounts map={map} onState={(s) => setState(s === state ? null : s)} />
        {state ? (
          <button
            type="button"
            onClick={() => setState(null)}
            className="ml-auto rounded-full border border-indigo-500 bg-indigo-50 px-2 py-0.5 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
          >
            {stateLabel(state).toLowerCase()} only ✕
          </button>
        ) : null}
      </div>
      <MapBar map={map} running={task.state === "Running"} className="h-1.5" />
      <div className="grid grid-cols-[3rem_5.75rem_3.5rem_minmax(0,1fr)] gap-2 px-2 text-[10px] uppercase tracking-wide text-zinc-500">
        <span className="text-right">#</span>
        <span>State</span>
        <span className="text-right">Time</span>
        <span>Input · error</span>
      </div>
      <ItemList
        key={state ?? "all"}
        runId={runId}
        task={task.name}
        map={map}
        state={state}
        selected={null}
        onOpen={onOpen}
      />
    </Section>
  );
}
