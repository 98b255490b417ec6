"use client";
import { useQuery } from "@tanstack/react-query";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { useTRPC } from "@/app/_lib/trpc";

export function DeploymentsList() {
  const trpc = useTRPC();
  const deployments = useQuery(trpc.deployments.list.queryOptions());
  return (
    <QueryView
      query={deployments}
      what="deployments"
      empty={{
        title: "No deployments yet",
        hint: (
          <>
            Deploy a flow with{" "}
            <code className="font-mono">npx pipebook deploy FILE --queue default</code>.
          </>
        ),
      }}
    >
      {(items) => (
        <DataTable label="Deployments" columns={["Deployment", "Flow", "Work queue", "Tags"]}>
          {items.map((d) => (
            <tr key={d.id} data-deployment={d.name}>
              <td className="py-2.5 font-medium">{d.name}</td>
              <td className="py-2.5">
                {d.flow} <span className="text-zinc-500">v{d.version}</span>
              </td>
              <td className="py-2.5 font-mono text-xs">{d.workQueue}</td>
              <td className="py-2.5 text-zinc-500">{d.tags.join(", ") || "—"}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </QueryView>
  );
}
