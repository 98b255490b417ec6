"use client";
// The parts of a task's panel that an item of a mapped task has too: its attempts with their
// errors and tracebacks, and its result as a JSON tree (the whole value loaded on demand).
import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
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

type Attempt = RunPageTask["timeline"]["attempts"][number];
type TaskMoment = RunPageTask["timeline"]["moments"][number];

const bytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 * 1024
      ? `${(n / 1024).toFixed(1)} KB`
      : `${(n / 1024 / 1024).toFixed(1)} MB`;

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-2">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{title}</h3>
      {children}
    </section>
  );
}

export const Loading = () => <p className="text-xs text-zinc-500">Loading…</p>;

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
    }
  | { kind: "text"; head: string; sizeBytes: number };

export function ResultView({
  runId,
  task,
  item,
  result,
}: {
  runId: string;
  task: string;
  /** A mapped task's item (its own result), or undefined for the task. */
  item?: number;
  result: Result;
}) {
  const trpc = useTRPC();
  const [whole, setWhole] = useState(false);
  const full = useQuery({
    ...trpc.runPage.taskResult.queryOptions({ id: runId, task, item }),
    enabled: whole,
  });
  if (result.kind === "none") return <p className="text-xs text-zinc-500">No result.</p>;
  const download = `/api/v1/flow-runs/${runId}/tasks/${encodeURIComponent(task)}/result?download=1${item === undefined ? "" : `&item=${item}`}`;
  if (result.kind === "text") {
    // Too large to parse in the page: its first characters, and the whole of it as a download.
    return (
      <div className="space-y-2" data-testid="task-result">
        <div className="flex items-center gap-2 text-xs text-zinc-500">
          <span>
            {bytes(result.sizeBytes)} of JSON, in storage — the first {bytes(result.head.length)}{" "}
            shown
          </span>
          <a
            href={download}
            download
            className="ml-auto inline-flex items-center gap-1 hover:underline"
          >
            <Download className="size-3.5" aria-hidden /> Download
          </a>
        </div>
        <pre
          className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono text-[11px] leading-4 dark:bg-zinc-900"
          data-testid="result-head"
        >
          {result.head}…
        </pre>
      </div>
    );
  }
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

/** Why a task (or item) did not run or was cached, then each attempt with its error. */
export function AttemptsSection({
  attempts,
  moments,
}: {
  attempts: readonly Attempt[];
  moments: readonly TaskMoment[] | undefined;
}) {
  return (
    <Section title={`Attempts (${attempts.length})`}>
      {moments?.map((m, i) => (
        <p key={i} className="text-xs text-zinc-600 dark:text-zinc-400" data-moment={m.state}>
          {stateLabel(m.state)} at {formatTime(m.at)}
          {m.message ? `: ${m.message}` : ""}
        </p>
      ))}
      {attempts.length === 0 && !moments?.length ? (
        <p className="text-xs text-zinc-500">No attempt has started.</p>
      ) : null}
      <ol className="space-y-2" aria-label="Attempts">
        {attempts.map((a, i, all) => (
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
  );
}

/**
 * Where a reused result came from: the run that made it (a replay or cell run names only the
 * run), and for a cache hit also the task (or item) and when it was made.
 */
export function ResultOrigin({
  runId,
  cachedFrom,
}: {
  runId: string;
  cachedFrom: {
    flowRunId: string;
    task: string;
    item: number | null;
    madeAt: string | null;
  } | null;
}) {
  const href = cachedFrom
    ? `/runs/${cachedFrom.flowRunId}?task=${encodeURIComponent(cachedFrom.task)}${cachedFrom.item === null ? "" : `&item=${cachedFrom.item}`}`
    : `/runs/${runId}`;
  return (
    <span data-testid="result-origin">
      <Link
        href={href}
        className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
        data-testid="result-from"
      >
        run {(cachedFrom?.flowRunId ?? runId).slice(0, 8)}
        {cachedFrom
          ? ` · ${cachedFrom.task}${cachedFrom.item === null ? "" : ` [${cachedFrom.item}]`}`
          : ""}
      </Link>{" "}
      {cachedFrom ? (
        <>(cache hit; made {formatTime(cachedFrom.madeAt)}, not run again)</>
      ) : (
        "(reused, not run again)"
      )}
    </span>
  );
}
