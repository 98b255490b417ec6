"use client";
// The runs page: filters from the URL, applied on the server; pages of runs loaded as the table
// scrolls; refreshed while open (the loaded pages are read again in order, so the list stays one
// consistent, newest-first sequence); counts per state for the chips.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { EmptyState, ErrorState } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_lib/trpc";
import { FilterBar } from "./filter-bar";
import { RunsTable } from "./runs-table";
import { isFiltered, listInput, parseRunsView, runsHref, type RunsView } from "./runs-url";

const PAGE = 100;
const REFRESH_MS = 3_000;
const MAX_REFRESHED_PAGES = 3;

export function RunsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const view = useMemo(() => parseRunsView(search), [search]);
  const show = useCallback(
    (next: RunsView) => router.push(runsHref(next), { scroll: false }),
    [router],
  );

  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions(listInput(view, PAGE), {
      getNextPageParam: (page) => page.next,
    }),
    // Runs change state on their own: the list is read again, every loaded page of it — so only
    // while few pages are loaded (someone deep in the history is reading, not watching).
    refetchInterval: (query) =>
      (query.state.data?.pages.length ?? 0) <= MAX_REFRESHED_PAGES ? REFRESH_MS : false,
    // A new filter keeps the old rows on screen until its own arrive (no flash of "Loading").
    placeholderData: keepPreviousData,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = runs;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = useMemo(() => runs.data?.pages.flatMap((p) => p.runs) ?? [], [runs.data]);
  const counts = runs.isPlaceholderData ? null : (runs.data?.pages[0]?.counts ?? null);
  const clear = (
    <Link href={pathname} className="font-medium text-indigo-600 hover:underline">
      Clear filters
    </Link>
  );

  let body: React.ReactNode;
  if (runs.isError && !runs.data) {
    body = (
      <div>
        <ErrorState message={`Could not load runs: ${runs.error.message}`} />
        {isFiltered(view) ? <p className="mx-8 text-sm">{clear}</p> : null}
      </div>
    );
  } else if (runs.isPending) {
    body = <p className="px-8 py-6 text-sm text-zinc-500">Loading runs…</p>;
  } else if (items.length === 0) {
    body = isFiltered(view) ? (
      <EmptyState title="No runs match these filters">{clear}</EmptyState>
    ) : (
      <EmptyState title="No runs yet">
        Trigger a deployment from the Deployments page, or with{" "}
        <code className="font-mono">npx pipebook run DEPLOYMENT</code>.
      </EmptyState>
    );
  } else {
    body = (
      <RunsTable
        runs={items}
        onNearEnd={onNearEnd}
        onTag={(tag) => show({ ...view, tags: [...new Set([...view.tags, tag])] })}
        footer={
          <p className="px-8 py-3 text-xs text-zinc-500" aria-live="polite">
            {runs.isError
              ? `Could not refresh: ${runs.error.message}`
              : isFetchingNextPage
                ? "Loading more…"
                : hasNextPage
                  ? `${items.length} runs loaded; scroll for more`
                  : `${items.length} ${items.length === 1 ? "run" : "runs"}`}
          </p>
        }
      />
    );
  }
  return (
    <>
      <FilterBar view={view} counts={counts} onChange={show} />
      {body}
    </>
  );
}
