"use client";
// Backfills with their progress, newest first: all of them, or a deployment's. They change on
// their own, so the list refreshes while it is shown.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { BackfillProgress } from "./backfill-progress";

const REFRESH_MS = 3_000;

export function BackfillsTable({ deploymentId }: { deploymentId?: string }) {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.backfills.list.queryOptions({ deploymentId }),
    refetchInterval: REFRESH_MS,
  });
  if (list.isError)
    return <p className="text-sm text-red-600">Could not load backfills: {list.error.message}</p>;
  if (!list.data) return <p className="text-sm text-zinc-500">Loading backfills…</p>;
  if (!list.data.length) {
    return (
      <p className="text-sm text-zinc-500">
        No backfills{deploymentId ? " of this deployment" : ""}: start one with “Backfill…” on a
        schedule.
      </p>
    );
  }
  return (
    <table className="w-full text-left text-sm" aria-label="Backfills">
      <thead className="text-xs text-zinc-500">
        <tr>
          <th className="py-1 font-medium">Backfill</th>
          {deploymentId ? null : <th className="font-medium">Deployment</th>}
          <th className="font-medium">State</th>
          <th className="w-1/3 font-medium">Progress</th>
          <th className="font-medium">Started</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {list.data.map((b) => (
          <tr key={b.id} data-backfill={b.id}>
            <td className="py-2">
              <Link href={`/backfills/${b.id}`} className="text-indigo-600 hover:underline">
                {b.description}
              </Link>
            </td>
            {deploymentId ? null : <td>{b.deployment}</td>}
            <td data-backfill-state>{b.state}</td>
            <td className="pr-4">
              <BackfillProgress backfill={b} />
            </td>
            <td className="text-zinc-500">{formatTime(b.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
