"use client";
// A rule's delivery log, newest first: each message's event, run, status, attempts, the
// receiver's last HTTP status and error; a failed (or waiting) one can be sent again. Refreshed
// every few seconds while open, so a delivery is seen going from pending to delivered.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Alert, buttonClass, Dialog } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import type { NotificationRuleView } from "@/contract/notifications";

const REFRESH_MS = 2000;
const STATUS_CLASS = {
  pending: "text-amber-600",
  delivering: "text-sky-600",
  delivered: "text-emerald-600",
  failed: "text-red-600",
} as const;

export function DeliveryLogDialog({
  rule,
  onClose,
}: {
  rule: NotificationRuleView | null;
  onClose: () => void;
}) {
  return (
    <Dialog open={rule !== null} title={`Deliveries of ${rule?.name ?? ""}`} onClose={onClose} wide>
      {rule ? <DeliveryLog ruleId={rule.id} /> : null}
    </Dialog>
  );
}

function DeliveryLog({ ruleId }: { ruleId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canOperate = useCan("operate");
  const log = useQuery(
    trpc.notifications.deliveries.queryOptions(
      { ruleId, limit: 100 },
      { refetchInterval: REFRESH_MS },
    ),
  );
  const retry = useMutation(
    trpc.notifications.retry.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.notifications.deliveries.pathKey() }),
    }),
  );
  if (log.isError) return <Alert>Could not load the deliveries: {log.error.message}</Alert>;
  if (!log.data) return <p className="text-sm text-zinc-500">Loading the deliveries…</p>;
  if (!log.data.deliveries.length) {
    return (
      <p className="text-sm text-zinc-500">
        Nothing sent yet: a message appears here when a run in scope ends in one of the rule&apos;s
        events (or use Send test).
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      {retry.error ? <Alert>{retry.error.message}</Alert> : null}
      <table className="w-full text-left text-sm" aria-label="Deliveries">
        <thead className="text-xs text-zinc-500">
          <tr>
            <th className="py-1">Time</th>
            <th>Event</th>
            <th>Run</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>HTTP</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {log.data.deliveries.map((d) => (
            <tr
              key={d.id}
              data-delivery={d.id}
              data-status={d.status}
              className="border-t border-zinc-100 align-top dark:border-zinc-800"
              title={d.text}
            >
              <td className="py-2 whitespace-nowrap">{formatTime(d.createdAt)}</td>
              <td>{d.event}</td>
              <td className="font-mono text-xs">
                {d.flowRunId ? (
                  <Link className="underline" href={`/runs/${d.flowRunId}`}>
                    {d.flowRunId.slice(0, 8)}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td className={STATUS_CLASS[d.status]}>
                {d.status}
                {d.status === "pending" && d.nextAttemptAt ? (
                  <span className="block text-xs text-zinc-500">
                    next {formatTime(d.nextAttemptAt)}
                  </span>
                ) : null}
              </td>
              <td>{d.attempts}</td>
              <td>{d.lastStatus ?? "—"}</td>
              <td className="max-w-sm text-xs break-words text-zinc-600 dark:text-zinc-400">
                {d.lastError ?? ""}
              </td>
              <td className="text-right">
                {canOperate && (d.status === "failed" || d.status === "pending") ? (
                  <button
                    type="button"
                    className={buttonClass()}
                    disabled={retry.isPending}
                    onClick={() => retry.mutate({ id: d.id })}
                  >
                    Retry
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
