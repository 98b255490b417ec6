"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState } from "@/app/_components/page-header";
import { StateBadge } from "@/app/_components/state-badge";
import { formatDuration, formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";

export function RunsList() {
  const trpc = useTRPC();
  // Runs change state on their own: refresh while the page is open.
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 50 }), refetchInterval: 2_000 });
  if (runs.isPending) return <p className="px-8 py-6 text-sm text-zinc-500">Loading runs…</p>;
  if (runs.isError) return <ErrorState message={`Could not load runs: ${runs.error.message}`} />;
  if (runs.data.length === 0) {
    return (
      <EmptyState title="No runs yet">
        Trigger a deployment with <code className="font-mono">npx pipebook run DEPLOYMENT</code>.
      </EmptyState>
    );
  }
  return (
    <table className="mx-8 my-6 w-[calc(100%-4rem)] text-left text-sm" aria-label="Runs">
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-2 font-medium">Flow</th>
          <th className="py-2 font-medium">Deployment</th>
          <th className="py-2 font-medium">State</th>
          <th className="py-2 font-medium">Created</th>
          <th className="py-2 font-medium">Duration</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {runs.data.map((run) => (
          <tr key={run.id} data-run={run.id}>
            <td className="py-2.5 font-medium">{run.flow}</td>
            <td className="py-2.5 text-zinc-500">{run.deployment}</td>
            <td className="py-2.5">
              <StateBadge state={run.state} />
            </td>
            <td className="py-2.5 text-zinc-500">{formatTime(run.createdAt)}</td>
            <td className="py-2.5 tabular-nums text-zinc-500">
              {formatDuration(run.startedAt, run.endedAt)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
