"use client";
// What the run is and where it came from: its flow and version (linked to the editor), its
// deployment, queue, tags and agent, its times, its parameters (often the cause of a failure),
// the run it replays and its own replays, why it is waiting, and the actions on it.
import Link from "next/link";
import type { ReactNode } from "react";
import { JsonViewer } from "@/app/_components/json-viewer";
import { StateBadge } from "@/app/_components/state-badge";
import { formatDuration, formatTime } from "@/app/_lib/format";
import { useNow } from "@/app/_lib/use-now";
import type { RunHeader as Header } from "./use-run-page";

const REPLAY_LABEL = {
  retry: "retry",
  fromFailure: "retry from failure",
  fromTask: "run from a task",
} as const;

export function RunHeader({ header, actions }: { header: Header; actions: ReactNode }) {
  const h = header;
  const parameters = Object.keys(h.parameters).length;
  return (
    <header className="space-y-2 border-b border-zinc-200 px-6 py-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-3">
        <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
          <Link href="/runs" className="hover:underline">
            Runs
          </Link>{" "}
          /
        </nav>
        <h1 className="text-lg font-semibold tracking-tight">
          <Link href={`/flows/${encodeURIComponent(h.flow.name)}`} className="hover:underline">
            {h.flow.name}
          </Link>{" "}
          <Link
            href={`/flows/${encodeURIComponent(h.flow.name)}?version=${h.flow.version}`}
            className="text-zinc-500 hover:underline"
            title="This run's flow version in the editor"
          >
            v{h.flow.version}
          </Link>
        </h1>
        <span data-testid="run-state">
          <StateBadge state={h.state} />
        </span>
        <span className="font-mono text-xs text-zinc-400" title="Run id">
          {h.id}
        </span>
        <div className="ml-auto flex items-center gap-2">{actions}</div>
      </div>

      <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <Fact label="Deployment">
          {h.cellTask ? (
            <>notebook cell run of {h.cellTask}</>
          ) : h.deployment ? (
            <Link
              href={`/runs?deployment=${h.deployment.id}`}
              className="hover:underline"
              title="Runs of this deployment"
            >
              {h.deployment.name}
            </Link>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Queue">{h.workQueue}</Fact>
        {h.tags.length ? <Fact label="Tags">{h.tags.join(", ")}</Fact> : null}
        <Fact label="Agent">
          {h.agent ? (
            <span title={h.agent.id}>
              {h.agent.name}
              {h.agent.hostname ? ` on ${h.agent.hostname}` : ""}
            </span>
          ) : (
            "none yet"
          )}
        </Fact>
        {h.attempt > 1 ? <Fact label="Attempt">{h.attempt}</Fact> : null}
        <Fact label="Created">{formatTime(h.createdAt)}</Fact>
        {h.trigger ? <Fact label="Trigger">{h.trigger.name}</Fact> : null}
        {h.refreshCaches ? <Fact label="Caches">refreshed (cached tasks ran again)</Fact> : null}
        {Math.abs(Date.parse(h.scheduledAt) - Date.parse(h.createdAt)) > 2_000 ? (
          <Fact label="Scheduled">{formatTime(h.scheduledAt)}</Fact>
        ) : null}
        <Fact label="Started">{formatTime(h.startedAt)}</Fact>
        <Fact label="Duration">
          <Elapsed startedAt={h.startedAt} endedAt={h.endedAt} />
        </Fact>
        <Fact label="Log lines">{h.logLines.toLocaleString()}</Fact>
      </dl>

      {h.replayOf || h.replays.length ? (
        <p className="flex flex-wrap gap-x-4 text-xs" data-testid="run-chain">
          {h.replayOf ? (
            <span>
              A {REPLAY_LABEL[h.replayOf.kind]}
              {h.replayOf.task ? ` (from ${h.replayOf.task})` : ""} of{" "}
              <Link
                href={`/runs/${h.replayOf.id}`}
                className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
              >
                run {h.replayOf.id.slice(0, 8)}
              </Link>
            </span>
          ) : null}
          {h.replays.length ? (
            <span>
              Replayed by{" "}
              {h.replays.map((r, i) => (
                <span key={r.id}>
                  {i ? ", " : ""}
                  <Link
                    href={`/runs/${r.id}`}
                    className="font-mono text-indigo-600 hover:underline dark:text-indigo-400"
                  >
                    run {r.id.slice(0, 8)}
                  </Link>{" "}
                  ({REPLAY_LABEL[r.kind]}, {r.state})
                </span>
              ))}
            </span>
          ) : null}
        </p>
      ) : null}

      {h.warnings.map((w) => (
        <p
          key={w}
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          {w}
        </p>
      ))}
      {h.waitingFor ? (
        <p
          role="status"
          data-testid="waiting-for"
          className="rounded-md border border-sky-300 bg-sky-50 px-3 py-1.5 text-xs text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-200"
        >
          {h.waitingFor}
        </p>
      ) : null}
      {h.unreachableSince ? (
        <p
          role="status"
          data-testid="agent-unreachable"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          Agent {h.agent?.name ?? ""} unreachable since {formatTime(h.unreachableSince)}: the run
          stays with it, and its buffered logs arrive, if it comes back within the re-attach grace.
        </p>
      ) : h.stateMessage ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="state-message">
          {h.stateMessage}
        </p>
      ) : null}
      {parameters ? (
        <details className="text-xs" data-testid="run-parameters">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            Parameters ({parameters}): <code className="font-mono">{preview(h.parameters)}</code>
          </summary>
          <div className="mt-1">
            <JsonViewer value={h.parameters} openDepth={2} />
          </div>
        </details>
      ) : (
        <p className="text-xs text-zinc-500">No parameters.</p>
      )}
    </header>
  );
}

/** A duration that counts up while the run goes on. */
function Elapsed({ startedAt, endedAt }: { startedAt: string | null; endedAt: string | null }) {
  useNow(!!startedAt && !endedAt);
  return <>{formatDuration(startedAt, endedAt)}</>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex gap-1">
      <dt className="text-zinc-400">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
