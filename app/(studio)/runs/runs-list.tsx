"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { StateBadge } from "@/app/_components/state-badge";
import { formatDuration, formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";

export function RunsList() {
  const trpc = useTRPC();
  // Runs change state on their own: refresh while the page is open.
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 50 }), refetchInterval: 2_000 });
  return (
    <QueryView
      query={runs}
      what="runs"
      empty={{
        title: "No runs yet",
        hint: (
          <>
            Trigger a deployment with <code className="font-mono">npx pipebook run DEPLOYMENT</code>
            .
          </>
        ),
      }}
    >
      {(items) => (
        <DataTable label="Runs" columns={["Flow", "Deployment", "State", "Created", "Duration"]}>
          {items.map((run) => (
            <tr key={run.id} data-run={run.id}>
              <td className="py-2.5 font-medium">
                <Link href={`/runs/${run.id}`} className="hover:underline">
                  {run.flow}
                </Link>
              </td>
              <td className="py-2.5 text-zinc-500">
                {run.cellTask ? `cell: ${run.cellTask}` : run.deployment}
              </td>
              <td className="py-2.5">
                <StateBadge state={run.state} />
              </td>
              <td className="py-2.5 text-zinc-500">{formatTime(run.createdAt)}</td>
              <td className="py-2.5 tabular-nums text-zinc-500">
                {formatDuration(run.startedAt, run.endedAt)}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </QueryView>
  );
}
