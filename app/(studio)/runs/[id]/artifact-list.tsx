"use client";
// A run's artifacts (the files its tasks left in $PIPEBOOK_ARTIFACTS): the run page's Artifacts
// tab lists all of them, a task's panel its own. Each downloads as an attachment (the server
// sends it sandboxed and never sniffed: it may be HTML a task wrote).
import { useQuery } from "@tanstack/react-query";
import { formatBytes } from "@/contract/format-bytes";
import { useTRPC } from "@/app/_lib/trpc";

/** While the run goes on, new artifacts appear at each attempt's end: looked for this often. */
const LIVE_REFRESH_MS = 3_000;

export function ArtifactList({
  runId,
  task,
  live,
  onSelectTask,
}: {
  runId: string;
  /** Only this task's (its panel); all of the run's otherwise, with a task column. */
  task?: string;
  /** The run has not ended: more may come. */
  live: boolean;
  onSelectTask?: (name: string) => void;
}) {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.runPage.artifacts.queryOptions(
      task === undefined ? { id: runId } : { id: runId, task },
    ),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
  });
  if (list.isPending) return <p className="p-4 text-xs text-zinc-500">Loading artifacts…</p>;
  if (list.isError) {
    return (
      <p role="alert" className="p-4 text-sm text-red-600">
        Could not load the artifacts: {list.error.message}
      </p>
    );
  }
  if (list.data.length === 0) {
    return (
      <p className="p-4 text-sm text-zinc-500">
        {task === undefined ? "This run has" : "This task has"} no artifacts
        {live ? " yet" : ""}. A task saves one by writing a file to{" "}
        <code className="font-mono">$PIPEBOOK_ARTIFACTS</code> (or with save_artifact()).
      </p>
    );
  }
  return (
    <div className="overflow-auto">
      <table className="w-full text-left text-sm" data-testid="artifact-list">
        <thead className="text-xs text-zinc-500">
          <tr>
            <th className="px-4 py-1 font-medium">Name</th>
            {task === undefined ? <th className="px-2 py-1 font-medium">Task</th> : null}
            <th className="px-2 py-1 font-medium">Attempt</th>
            <th className="px-2 py-1 text-right font-medium">Size</th>
            <th className="px-2 py-1 font-medium">Type</th>
            <th className="px-2 py-1" />
          </tr>
        </thead>
        <tbody>
          {list.data.map((a) => (
            <tr
              key={a.id}
              className="border-t border-zinc-100 dark:border-zinc-800"
              data-testid="artifact-row"
            >
              <td className="px-4 py-1 font-mono break-all">{a.name}</td>
              {task === undefined ? (
                <td className="px-2 py-1 font-mono">
                  {onSelectTask ? (
                    <button
                      type="button"
                      className="text-indigo-600 hover:underline dark:text-indigo-400"
                      onClick={() => onSelectTask(a.task)}
                    >
                      {a.item === null ? a.task : `${a.task}[${a.item}]`}
                    </button>
                  ) : (
                    a.task
                  )}
                </td>
              ) : null}
              <td className="px-2 py-1 tabular-nums">
                {a.item !== null && task !== undefined ? `item ${a.item}, ` : ""}
                {a.attempt}
              </td>
              <td className="px-2 py-1 text-right tabular-nums" title={`${a.sizeBytes} bytes`}>
                {formatBytes(a.sizeBytes)}
              </td>
              <td className="px-2 py-1 text-xs text-zinc-500">{a.contentType}</td>
              <td className="px-2 py-1">
                <a
                  href={a.url}
                  download
                  className="text-indigo-600 hover:underline dark:text-indigo-400"
                  aria-label={`Download ${a.name}`}
                >
                  Download
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
