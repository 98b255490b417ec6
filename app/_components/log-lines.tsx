import type { LogLineView } from "@/contract/api-v1";

const LEVEL: Record<LogLineView["level"], string> = {
  debug: "text-zinc-400",
  info: "",
  warning: "text-amber-700 dark:text-amber-400",
  error: "text-red-600 dark:text-red-400",
};

/** Log lines as a terminal shows them: time, task (attempt), the line. */
export function LogLines({
  logs,
  showTask = true,
}: {
  logs: readonly LogLineView[];
  showTask?: boolean;
}) {
  if (logs.length === 0) return <p className="text-xs text-zinc-500">No log lines yet.</p>;
  return (
    <ol className="font-mono text-xs leading-5" aria-label="Log lines">
      {logs.map((line, i) => (
        <li
          key={i}
          data-task={line.task ?? ""}
          data-level={line.level}
          className={`whitespace-pre-wrap ${LEVEL[line.level]}`}
        >
          <span className="text-zinc-400">{line.timestamp.slice(11, 23)} </span>
          {showTask ? (
            <span className="text-indigo-600 dark:text-indigo-400">
              {line.task ?? "run"}
              {line.item !== undefined && line.item !== null ? `[${line.item}]` : ""}
              {line.attempt && line.attempt > 1 ? `#${line.attempt}` : ""}{" "}
            </span>
          ) : null}
          {line.message}
        </li>
      ))}
    </ol>
  );
}
