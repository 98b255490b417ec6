"use client";
// A run as it happens: read whole once (runPage.get), then kept current by the live subscription
// (runPage.live), whose changes are merged into the query's cached data — so every component
// reads one tRPC query and re-renders only for the tasks that changed (unchanged task objects
// keep their identity). The subscription resumes from its last change after a reconnect.
import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { readAgain } from "@/app/_lib/read-again";
import { useTRPC } from "@/app/_lib/trpc";
import type { AppRouter } from "@/server/trpc/root";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
export type RunPageData = Outputs["runPage"]["get"];
export type RunPageTask = RunPageData["tasks"][number];
export type RunHeader = RunPageData["header"];

type Changes = Omit<RunPageData, "tasks"> & { tasks: RunPageTask[] };

/** The page's data with a batch of changes applied; tasks that did not change stay the same. */
export function applyChanges(page: RunPageData, changes: Changes): RunPageData {
  if (changes.tasks.length === 0) {
    return { ...page, header: changes.header, serverTime: changes.serverTime };
  }
  const changed = new Map(changes.tasks.map((t) => [t.name, t]));
  return {
    ...page,
    header: changes.header,
    serverTime: changes.serverTime,
    tasks: page.tasks.map((t) => changed.get(t.name) ?? t),
  };
}

const ownChange = (a: RunPageTask, b: RunPageTask) =>
  a.state !== b.state || a.attempts !== b.attempts || a.endedAt !== b.endedAt;

export function useRunPage(id: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const options = trpc.runPage.get.queryOptions(
    { id },
    {
      // Kept current by the subscription, not by refetching.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      // applyChanges already keeps unchanged tasks as they were; comparing 2,000 tasks deeply
      // on every live change (TanStack Query's default) only costs frames.
      structuralSharing: false,
    },
  );
  const page = useQuery(options);
  // The subscription starts from the first read's cursor and then follows by itself; a new input
  // (a new cursor) would restart it, so later reads do not change it.
  const [start, setStart] = useState<{ id: string; cursor: string } | null>(null);
  if (page.data && start?.id !== id) setStart({ id, cursor: page.data.cursor });
  const live = useSubscription(
    trpc.runPage.live.subscriptionOptions(start?.id === id ? start : skipToken, {
      onData: (message) => {
        const changes = message.data as Changes;
        const before = queryClient.getQueryData(options.queryKey);
        queryClient.setQueryData(options.queryKey, (old) =>
          old ? applyChanges(old, changes) : old,
        );
        // An open task panel reads its task's detail (attempts' errors, result): read it again.
        // A mapped task comes again with every batch of its items; its own detail changes only
        // with its own state.
        for (const task of changes.tasks) {
          const was = before?.tasks.find((t) => t.name === task.name);
          if (task.map && was && !ownChange(was, task)) continue;
          readAgain(queryClient, trpc.runPage.task.queryKey({ id, task: task.name }));
        }
      },
    }),
  );
  return { page, live };
}
