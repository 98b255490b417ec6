"use client";
// A rule's delivery log, newest first: each message's event, run, status, attempts, the
// receiver's last HTTP status and error; a failed (or waiting) one can be sent again. Read again
// every few seconds while open, so a delivery is seen going from pending to delivered.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { Alert, Dialog } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import type { NotificationRuleView } from "@/contract/notifications";
import { DeliveryTable } from "./delivery-table";

const REFRESH_MS = 2000;
const PAGE = 100;

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
  const log = useInfiniteQuery({
    ...trpc.notifications.deliveries.infiniteQueryOptions(
      { ruleId, limit: PAGE },
      { getNextPageParam: (page) => page.next },
    ),
    refetchInterval: REFRESH_MS,
  });
  const retry = useMutation(
    trpc.notifications.retry.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.notifications.deliveries.pathKey() }),
    }),
  );
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = log;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const deliveries = useMemo(() => log.data?.pages.flatMap((p) => p.deliveries) ?? [], [log.data]);

  if (log.isError) return <Alert>Could not load the deliveries: {log.error.message}</Alert>;
  if (!log.data) return <p className="text-sm text-zinc-500">Loading the deliveries…</p>;
  if (!deliveries.length) {
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
      <DeliveryTable
        deliveries={deliveries}
        onNearEnd={onNearEnd}
        onRetry={canOperate ? (id) => retry.mutate({ id }) : null}
      />
    </div>
  );
}
