"use client";
// One task of the run, opened from its node, its timeline row or the task list: its settings as
// the run's version had them, every attempt with its error and full traceback, why it did not run
// or where its cached result came from, its result as a collapsible JSON tree (the whole value
// loads on demand when it was large), and its log lines.
import { useQuery } from "@tanstack/react-query";
import { Download, X } from "lucide-react";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { JsonViewer } from "@/app/_components/json-viewer";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { stateLabel } from "@/app/_lib/state-colors";
import { useTRPC } from "@/app/_lib/trpc";
import { formatDurationMs } from "@/contract/duration";
import type { RunPageTask } from "./use-run-page";

type Props = {
  runId: string;
  task: RunPageTask;
  /** Actions the page offers for this task (Run from here). */
  actions?: ReactNode;
  /** The task's log lines (the page's log viewer, filtered to this task). */
  logs?: ReactNode;
  onClose: () => void;
  onSelectTask: (name: string) => void;
};

const bytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;

export function TaskPanel({ runId, task, actions, logs, onClose, onSelectTask }: Props) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.runPage.task.queryOptions({ id: runId, task: task.name }));
  const d = detail.data;
  const retryDelay = d?.spec.retryDelaySeconds;
  return (
    <aside
      aria-label={`Task ${task.name}`}
      data-testid="task-panel"
      className="flex h-full min-h-0 flex-col overflow-hidden border-l border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-950"
    >
      <header className="flex items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <h2 className="truncate font-mono text-sm font-semibold">{task.name}</h2>
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
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-xs">
          <dt className="text-zinc-500">Language</dt>
          <dd>{task.language}</dd>
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
                <Link
                  href={`/runs/${task.resultFrom}`}
                  className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
                  data-testid="result-from"
                >
                  run {task.resultFrom.slice(0, 8)}
                </Link>{" "}
                (reused, not run again)
              </dd>
            </>
          ) : null}
        </dl>

        {detail.isError ? (
          <p role="alert" className="text-red-600">
            Could not load the task: {detail.error.message}
          </p>
        ) : null}

        <Section title={`Attempts (${task.timeline.attempts.length})`}>
          {d?.moments.map((m, i) => (
            <p key={i} className="text-xs text-zinc-600 dark:text-zinc-400" data-moment={m.state}>
              {stateLabel(m.state)} at {formatTime(m.at)}
              {m.message ? `: ${m.message}` : ""}
            </p>
          ))}
          {(d?.attempts ?? task.timeline.attempts).length === 0 && !d?.moments.length ? (
            <p className="text-xs text-zinc-500">No attempt has started.</p>
          ) : null}
          <ol className="space-y-2" aria-label="Attempts">
            {(d?.attempts ?? task.timeline.attempts).map((a, i, all) => (
              <li
                key={a.n}
                data-attempt={a.n}
                className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800"
              >
                <div className="flex flex-wrap items-center gap-2 text-xs">
                  <span className="font-medium">Attempt {a.n}</span>
                  <StateBadge state={a.state === "Retrying" ? "Failed" : a.state} />
                  {a.state === "Retrying" ? <span className="text-zinc-500">retried</span> : null}
                  <span className="text-zinc-500">
                    {formatTime(a.startedAt)} → {a.endedAt ? formatTime(a.endedAt) : "running"}
                    {a.endedAt
                      ? ` · ${formatDurationMs(Date.parse(a.endedAt) - Date.parse(a.startedAt))}`
                      : ""}
                  </span>
                </div>
                <AttemptError error={a.error} open={i === all.length - 1} />
              </li>
            ))}
          </ol>
        </Section>

        <Section title="Result">
          {d ? <ResultView runId={runId} task={task.name} result={d.result} /> : <Loading />}
        </Section>

        {logs ? <Section title="Logs">{logs}</Section> : null}
      </div>
    </aside>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{title}</h3>
      {children}
    </section>
  );
}

const Loading = () => <p className="text-xs text-zinc-500">Loading…</p>;

function AttemptError({ error, open }: { error: unknown; open: boolean }) {
  if (!error || typeof error !== "object") return null;
  const e = error as { type?: string; message?: string; traceback?: string };
  return (
    <div className="mt-1 text-xs" data-testid="attempt-error">
      <p className="whitespace-pre-wrap break-words font-mono text-red-700 dark:text-red-400">
        {e.type}: {e.message}
      </p>
      {e.traceback ? (
        <details open={open} className="mt-1">
          <summary className="cursor-pointer text-zinc-500">Traceback</summary>
          <pre className="mt-1 max-h-72 overflow-auto rounded bg-zinc-50 p-2 font-mono text-[11px] leading-4 dark:bg-zinc-900">
            {e.traceback}
          </pre>
        </details>
      ) : null}
    </div>
  );
}

type Result =
  | { kind: "none" }
  | {
      kind: "value";
      value?: unknown;
      sizeBytes: number;
      cuts: { path: string; missing: string }[];
    };

function ResultView({ runId, task, result }: { runId: string; task: string; result: Result }) {
  const trpc = useTRPC();
  const [whole, setWhole] = useState(false);
  const full = useQuery({
    ...trpc.runPage.taskResult.queryOptions({ id: runId, task }),
    enabled: whole,
  });
  if (result.kind === "none") return <p className="text-xs text-zinc-500">No result.</p>;
  const download = `/api/v1/flow-runs/${runId}/tasks/${encodeURIComponent(task)}/result?download=1`;
  return (
    <div className="space-y-2" data-testid="task-result">
      <div className="flex items-center gap-2 text-xs text-zinc-500">
        <span>{bytes(result.sizeBytes)} of JSON</span>
        {result.cuts.length && !full.data ? (
          <button
            type="button"
            className={buttonClass("secondary")}
            disabled={full.isFetching}
            onClick={() => setWhole(true)}
          >
            {full.isFetching ? "Loading…" : "Show the whole value"}
          </button>
        ) : null}
        <a
          href={download}
          download
          className="ml-auto inline-flex items-center gap-1 hover:underline"
        >
          <Download className="size-3.5" aria-hidden /> Download
        </a>
      </div>
      {full.data ? (
        <JsonViewer value={full.data.value} />
      ) : (
        <JsonViewer value={result.value} cuts={result.cuts} />
      )}
    </div>
  );
}
