"use client";
import { useQuery } from "@tanstack/react-query";
import { EmptyState, ErrorState } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_lib/trpc";

export function DeploymentsList() {
  const trpc = useTRPC();
  const deployments = useQuery(trpc.deployments.list.queryOptions());
  if (deployments.isPending) {
    return <p className="px-8 py-6 text-sm text-zinc-500">Loading deployments…</p>;
  }
  if (deployments.isError) {
    return <ErrorState message={`Could not load deployments: ${deployments.error.message}`} />;
  }
  if (deployments.data.length === 0) {
    return (
      <EmptyState title="No deployments yet">
        Deploy a flow with{" "}
        <code className="font-mono">npx pipebook deploy FILE --queue default</code>.
      </EmptyState>
    );
  }
  return (
    <table className="mx-8 my-6 w-[calc(100%-4rem)] text-left text-sm" aria-label="Deployments">
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-2 font-medium">Deployment</th>
          <th className="py-2 font-medium">Flow</th>
          <th className="py-2 font-medium">Work queue</th>
          <th className="py-2 font-medium">Tags</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {deployments.data.map((d) => (
          <tr key={d.id} data-deployment={d.name}>
            <td className="py-2.5 font-medium">{d.name}</td>
            <td className="py-2.5">
              {d.flow} <span className="text-zinc-500">v{d.version}</span>
            </td>
            <td className="py-2.5 font-mono text-xs">{d.workQueue}</td>
            <td className="py-2.5 text-zinc-500">{d.tags.join(", ") || "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
