"use client";
// A run's log, however long: every line by number (AllLines), or the lines passing a task, level
// and text filter read on the server (FilteredLines); following the end while the run writes,
// jumping to either end, opening a long line whole, downloading the whole (filtered) log.
import { ArrowDownToLine, ArrowUpToLine, Download } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { inputClass } from "@/app/_components/dialog";
import { LOG_LEVELS, type LogLevel } from "@/contract/api-v1";
import { AllLines, type ListHandle } from "./all-lines";
import { FilteredLines, type LogFilters } from "./filtered-lines";
import { IconButton } from "@/app/_components/icon-button";

export type { LogFilters } from "./filtered-lines";

const SEARCH_DELAY_MS = 300;

type Props = {
  runId: string;
  /** Lines the run has so far (it grows while the run goes on). */
  total: number;
  ended: boolean;
  /** The run's tasks, to filter by; omitted with `task` fixed (a task's own panel). */
  tasks?: readonly string[];
  /** Only this task's lines (the filter cannot be changed). */
  task?: string;
  /** With `task`: only the lines of this item of the mapped task. */
  item?: number;
  /** Controlled filters (the run page keeps them in its address); else kept here. */
  filters?: LogFilters;
  /** Gets only what changed: two quick changes must not each carry the other's old value. */
  onFiltersChange?: (change: Partial<LogFilters>) => void;
};

export function LogViewer({
  runId,
  total,
  ended,
  tasks,
  task,
  item,
  filters,
  onFiltersChange,
}: Props) {
  const [own, setOwn] = useState<LogFilters>({});
  const current: LogFilters = {
    ...(filters ?? own),
    ...(task ? { task } : {}),
    ...(task && item !== undefined ? { item } : {}),
  };
  const setFilters = (change: Partial<LogFilters>) =>
    onFiltersChange ? onFiltersChange(change) : setOwn((was) => ({ ...was, ...change }));
  const [follow, setFollow] = useState(!ended);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const handle = useRef<ListHandle | null>(null);
  const filtered = !!(
    current.task ||
    current.item !== undefined ||
    current.levels?.length ||
    current.q
  );

  const toggle = (line: number) =>
    setOpen((was) => {
      const next = new Set(was);
      if (next.has(line)) next.delete(line);
      else next.add(line);
      return next;
    });

  const query = new URLSearchParams();
  if (current.task) query.set("task", current.task);
  if (current.item !== undefined) query.set("item", String(current.item));
  if (current.levels?.length) query.set("level", current.levels.join(","));
  if (current.q) query.set("q", current.q);
  const download = `/api/v1/flow-runs/${runId}/logs/download${query.size ? `?${query}` : ""}`;

  const list = {
    runId,
    total,
    ended,
    follow,
    onScrolledAway: () => setFollow(false),
    showTask: !task,
    open,
    onToggle: toggle,
    handle,
  };
  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="log-viewer">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-2 py-1.5 text-xs dark:border-zinc-800">
        {!task && tasks ? (
          <select
            aria-label="Task"
            className={`${inputClass} !w-40`}
            value={current.task ?? ""}
            onChange={(e) => setFilters({ task: e.target.value || undefined })}
          >
            <option value="">All tasks</option>
            {tasks.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        ) : null}
        <fieldset className="flex gap-1" aria-label="Levels">
          {LOG_LEVELS.map((level) => {
            const on = current.levels?.includes(level) ?? false;
            return (
              <button
                key={level}
                type="button"
                aria-pressed={on}
                onClick={() => {
                  const levels = on
                    ? (current.levels ?? []).filter((l) => l !== level)
                    : [...(current.levels ?? []), level];
                  setFilters({ levels: levels.length ? (levels as LogLevel[]) : undefined });
                }}
                className={`rounded-full border px-2 py-0.5 ${
                  on
                    ? "border-indigo-500 bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
                    : "border-zinc-300 text-zinc-600 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-400 dark:hover:bg-zinc-800"
                }`}
              >
                {level}
              </button>
            );
          })}
        </fieldset>
        <SearchBox value={current.q ?? ""} onSearch={(q) => setFilters({ q: q || undefined })} />
        <span className="ml-auto tabular-nums text-zinc-500" data-testid="log-count">
          {total.toLocaleString()} line{total === 1 ? "" : "s"}
        </span>
        <label className="flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
        <IconButton
          label="First line"
          onClick={() => (setFollow(false), handle.current?.toStart())}
        >
          <ArrowUpToLine className="size-4" aria-hidden />
        </IconButton>
        <IconButton label="Last line" onClick={() => handle.current?.toEnd()}>
          <ArrowDownToLine className="size-4" aria-hidden />
        </IconButton>
        <a
          href={download}
          download
          className="inline-flex items-center gap-1 rounded p-1 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          title={filtered ? "Download the lines that pass these filters" : "Download the whole log"}
        >
          <Download className="size-4" aria-hidden />
          <span className="sr-only">Download</span>
        </a>
      </div>
      {total === 0 ? (
        <p className="p-3 text-xs text-zinc-500" data-testid="log-lines">
          No log lines{ended ? "." : " yet."}
        </p>
      ) : filtered ? (
        <FilteredLines key={JSON.stringify(current)} filters={current} {...list} />
      ) : (
        <AllLines {...list} />
      )}
    </div>
  );
}

/** The text search: sent once typing pauses, or at once on Enter. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onSearch);
  useEffect(() => {
    latest.current = onSearch;
  });
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => latest.current(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <input
      type="search"
      aria-label="Search the log"
      placeholder="Search the log"
      className={`${inputClass} !w-52`}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") onSearch(text.trim());
      }}
    />
  );
}
