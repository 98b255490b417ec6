"use client";
// One backfill: its state, progress and counts by state, its runs by slot (each linking to its
// run page), and Cancel. Live: the server sends the backfill again whenever one of its runs
// changes (a subscription, as on the run pages), so nothing polls.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { ErrorState, PageHeader } from "@/app/_components/page-header";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import { BackfillProgress } from "../backfill-progress";

export function BackfillPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canOperate = useCan("operate");
  const query = trpc.backfills.get.queryOptions({ id });
  const backfill = useQuery({ ...query, staleTime: Infinity });
  useSubscription(
    trpc.backfills.live.subscriptionOptions(
      { id },
      { onData: (data) => queryClient.setQueryData(query.queryKey, data) },
    ),
  );
  const cancel = useMutation(
    trpc.backfills.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: query.queryKey }),
    }),
  );
  if (backfill.isError) return <ErrorState message={backfill.error.message} />;
  const b = backfill.data;
  if (!b) return <p className="px-8 py-6 text-sm text-zinc-500">Loading the backfill…</p>;
  return (
    <>
      <PageHeader
        title={`Backfill of ${b.deployment}`}
        actions={
          canOperate && b.state === "Running" ? (
            <button
              type="button"
              className={buttonClass("danger")}
              disabled={cancel.isPending}
              onClick={() => {
                if (window.confirm("Cancel this backfill? Runs under way finish."))
                  cancel.mutate({ id });
              }}
            >
              Cancel backfill
            </button>
          ) : null
        }
      />
      <div className="flex flex-col gap-4 px-8 py-6 text-sm">
        {cancel.isError ? <Alert>{cancel.error.message}</Alert> : null}
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1">
          <dt className="text-zinc-500">State</dt>
          <dd data-testid="backfill-state">{b.state}</dd>
          <dt className="text-zinc-500">Runs</dt>
          <dd>{b.description}</dd>
          <dt className="text-zinc-500">In flight</dt>
          <dd data-testid="backfill-in-flight">
            {b.counts.active} of at most {b.maxInFlight}
          </dd>
          <dt className="text-zinc-500">Started</dt>
          <dd>
            {formatTime(b.createdAt)}
            {b.createdBy ? ` by ${b.createdBy}` : ""}
          </dd>
          {b.endedAt ? (
            <>
              <dt className="text-zinc-500">Ended</dt>
              <dd>{formatTime(b.endedAt)}</dd>
            </>
          ) : null}
          {b.stateMessage ? (
            <>
              <dt className="text-zinc-500">Note</dt>
              <dd>{b.stateMessage}</dd>
            </>
          ) : null}
        </dl>
        <BackfillProgress backfill={b} />
        <table className="w-full text-left" aria-label="Backfill runs">
          <thead className="text-xs text-zinc-500">
            <tr>
              <th className="py-1 font-medium">Slot</th>
              <th className="font-medium">Scheduled for</th>
              <th className="font-medium">State</th>
              <th className="font-medium">Started</th>
              <th className="font-medium">Ended</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {b.runs.map((r) => (
              <tr key={r.id} data-run={r.id} data-run-state={r.state}>
                <td className="py-1.5">
                  <Link href={`/runs/${r.id}`} className="text-indigo-600 hover:underline">
                    #{r.slot + 1}
                  </Link>
                </td>
                <td className="tabular-nums">{formatTime(r.scheduledAt)}</td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td className="text-zinc-500 tabular-nums">{formatTime(r.startedAt)}</td>
                <td className="text-zinc-500 tabular-nums">{formatTime(r.endedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {b.counts.notCreated ? (
          <p className="text-zinc-500">
            {b.counts.notCreated} more run{b.counts.notCreated === 1 ? "" : "s"} will be created as
            these end.
          </p>
        ) : null}
      </div>
    </>
  );
}
