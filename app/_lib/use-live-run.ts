"use client";
// A small run as it happens (a notebook cell's run): its states and results, and its last log
// lines, read again whenever the run changes — the run page's live subscription says when, so
// nothing polls (read-again.ts: a read under way may predate the change). (The run page itself
// receives the changes themselves; see runs/[id].)
import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { FlowRunView, LogLineView } from "@/contract/api-v1";
import { readAgain } from "./read-again";
import { useTRPC } from "./trpc";

/** A cell shows the end of its log; the run page has all of it. */
export const CELL_LOG_LINES = 200;

export type LiveRun = {
  run: FlowRunView | null;
  logs: LogLineView[];
  /** Lines the run has in all (more than `logs` when the log is long). */
  totalLines: number;
  error: string | null;
};

export function useLiveRun(id: string | null): LiveRun {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runQuery = trpc.runs.get.queryOptions({ id: id ?? "" });
  const logsQuery = trpc.logs.tail.queryOptions({ runId: id ?? "", limit: CELL_LOG_LINES });
  const run = useQuery({ ...runQuery, enabled: !!id, staleTime: Infinity });
  const logs = useQuery({ ...logsQuery, enabled: !!id, staleTime: Infinity });
  useSubscription(
    trpc.runPage.live.subscriptionOptions(id ? { id, cursor: "0.0" } : skipToken, {
      onData: () => {
        readAgain(queryClient, runQuery.queryKey);
        readAgain(queryClient, logsQuery.queryKey);
      },
    }),
  );
  return {
    run: (run.data as FlowRunView | undefined) ?? null,
    logs: logs.data?.logs ?? [],
    totalLines: logs.data?.total ?? 0,
    error: run.error?.message ?? logs.error?.message ?? null,
  };
}
