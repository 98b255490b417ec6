"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_lib/trpc";
import { formatTime } from "@/app/_lib/format";

export function FlowsList() {
  const trpc = useTRPC();
  const flows = useQuery(trpc.flows.list.queryOptions());
  if (flows.isPending) return <p className="px-8 py-6 text-sm text-zinc-500">Loading flows…</p>;
  if (flows.isError) return <ErrorState message={`Could not load flows: ${flows.error.message}`} />;
  if (flows.data.length === 0) {
    return (
      <EmptyState title="No flows yet">
        Import one with <code className="font-mono">npx pipebook flow import FILE</code> or{" "}
        <code className="font-mono">POST /api/v1/flows</code>.
      </EmptyState>
    );
  }
  return (
    <table className="mx-8 my-6 w-[calc(100%-4rem)] text-left text-sm" aria-label="Flows">
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-2 font-medium">Name</th>
          <th className="py-2 font-medium">Description</th>
          <th className="py-2 font-medium">Version</th>
          <th className="py-2 font-medium">Updated</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {flows.data.map((flow) => (
          <tr key={flow.id} data-flow={flow.name}>
            <td className="py-2.5 font-medium">{flow.name}</td>
            <td className="py-2.5 text-zinc-500">{flow.description}</td>
            <td className="py-2.5 tabular-nums">v{flow.version}</td>
            <td className="py-2.5 text-zinc-500">{formatTime(flow.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
