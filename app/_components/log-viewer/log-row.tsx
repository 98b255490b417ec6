"use client";
// One log line as a terminal shows it: its number, time, task (attempt), level and message — one
// text row of fixed height, so a million of them scroll as a list of numbers. A line of several
// lines (a traceback) or one wider than the pane shows whole when clicked.
import { memo } from "react";
import type { LogLineView } from "@/contract/api-v1";

export const ROW_HEIGHT = 18;

const PYTHON_TRACEBACK = /^Traceback \(most recent call last\):/;

const LEVEL: Record<LogLineView["level"], string> = {
  debug: "text-zinc-400",
  info: "",
  warning: "text-amber-700 dark:text-amber-400",
  error: "text-red-600 dark:text-red-400",
};

const time = (iso: string) => iso.slice(11, 23);

export const LogRow = memo(function LogRow({
  line,
  highlight,
  showTask,
  open,
  onToggle,
}: {
  line: LogLineView;
  highlight?: string;
  showTask: boolean;
  open: boolean;
  onToggle: (line: number) => void;
}) {
  const lines = line.message.split("\n");
  const multi = lines.length > 1;
  return (
    <div
      data-line={line.line}
      data-task={line.task ?? ""}
      data-item={line.item ?? undefined}
      data-level={line.level}
      onClick={() => onToggle(line.line)}
      className={`flex cursor-text gap-2 px-2 font-mono text-xs leading-[18px] hover:bg-zinc-100 dark:hover:bg-zinc-800/60 ${LEVEL[line.level]}`}
    >
      <span className="w-14 shrink-0 select-none text-right tabular-nums text-zinc-400">
        {line.line}
      </span>
      <span className="shrink-0 select-none text-zinc-400">{time(line.timestamp)}</span>
      {showTask ? (
        <span className="w-28 shrink-0 truncate text-indigo-600 dark:text-indigo-400">
          {line.task ?? "run"}
          {line.item !== undefined && line.item !== null ? `[${line.item}]` : ""}
          {line.attempt && line.attempt > 1 ? `#${line.attempt}` : ""}
        </span>
      ) : null}
      {line.level !== "info" ? (
        <span className="shrink-0 select-none uppercase">{line.level.slice(0, 4)}</span>
      ) : null}
      <span className={open ? "whitespace-pre-wrap break-all" : "truncate whitespace-pre"}>
        {/* Folded, a Python traceback reads as its last line: the exception. */}
        <Highlighted
          text={
            open || !multi
              ? line.message
              : PYTHON_TRACEBACK.test(lines[0]!)
                ? lines.at(-1)!
                : lines[0]!
          }
          term={highlight}
        />
        {!open && multi ? (
          <span className="ml-2 text-zinc-400">⏎ {lines.length - 1} more lines</span>
        ) : null}
      </span>
    </div>
  );
});

function Highlighted({ text, term }: { text: string; term?: string }) {
  if (!term) return <>{text}</>;
  const lower = text.toLowerCase();
  const needle = term.toLowerCase();
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    parts.push(text.slice(at, i));
    parts.push(
      <mark key={i} className="rounded-sm bg-yellow-200 text-inherit dark:bg-yellow-700/60">
        {text.slice(i, i + needle.length)}
      </mark>,
    );
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** A row whose line has not arrived yet (its block is loading). */
export function PendingRow({ line }: { line: number }) {
  return (
    <div className="flex gap-2 px-2 font-mono text-xs leading-[18px] text-zinc-300 dark:text-zinc-700">
      <span className="w-14 shrink-0 text-right tabular-nums">{line}</span>…
    </div>
  );
}
