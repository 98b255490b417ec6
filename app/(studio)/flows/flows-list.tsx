"use client";
import { useQuery } from "@tanstack/react-query";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";

export function FlowsList() {
  const trpc = useTRPC();
  const flows = useQuery(trpc.flows.list.queryOptions());
  return (
    <QueryView
      query={flows}
      what="flows"
      empty={{
        title: "No flows yet",
        hint: (
          <>
            Import one with <code className="font-mono">npx pipebook flow import FILE</code> or{" "}
            <code className="font-mono">POST /api/v1/flows</code>.
          </>
        ),
      }}
    >
      {(items) => (
        <DataTable label="Flows" columns={["Name", "Description", "Version", "Updated"]}>
          {items.map((flow) => (
            <tr key={flow.id} data-flow={flow.name}>
              <td className="py-2.5 font-medium">{flow.name}</td>
              <td className="py-2.5 text-zinc-500">{flow.description}</td>
              <td className="py-2.5 tabular-nums">v{flow.version}</td>
              <td className="py-2.5 text-zinc-500">{formatTime(flow.updatedAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </QueryView>
  );
}
