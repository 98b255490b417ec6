"use client";
// The audit log (admins): who changed what, newest first, filtered by action and actor, pages
// loaded as the table scrolls.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { inputClass } from "@/app/_components/dialog";
import { EmptyState, ErrorState, PageHeader } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_lib/trpc";
import { AUDIT_ACTIONS } from "@/contract/api-v1";
import { AuditTable } from "./audit-table";

const PAGE = 100;
const FAMILIES = [...new Set(AUDIT_ACTIONS.map((a) => a.split(".")[0]!))];

export function AuditView() {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [actorText, setActorText] = useState("");
  const [actor, setActor] = useState("");
  const events = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(
      { action: action || undefined, actor: actor || undefined, limit: PAGE },
      { getNextPageParam: (page) => page.next },
    ),
    placeholderData: keepPreviousData,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = events;
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const items = useMemo(() => events.data?.pages.flatMap((p) => p.events) ?? [], [events.data]);

  let body: React.ReactNode;
  if (events.isError && !events.data) {
    body = <ErrorState message={`Could not load the audit log: ${events.error.message}`} />;
  } else if (events.isPending) {
    body = <p className="px-8 py-6 text-sm text-zinc-500">Loading the audit log…</p>;
  } else if (items.length === 0) {
    body = <EmptyState title={action || actor ? "No events match" : "No events yet"} />;
  } else {
    body = (
      <AuditTable
        events={items}
        onNearEnd={onNearEnd}
        footer={
          <p className="px-8 py-3 text-xs text-zinc-500" aria-live="polite">
            {isFetchingNextPage
              ? "Loading more…"
              : hasNextPage
                ? `${items.length} events loaded; scroll for more`
                : `${items.length} ${items.length === 1 ? "event" : "events"}`}
          </p>
        }
      />
    );
  }
  return (
    <div className="flex h-screen flex-col">
      <PageHeader title="Audit log" />
      <form
        className="mx-8 mt-4 flex flex-wrap items-center gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          setActor(actorText.trim());
        }}
      >
        <label className="flex items-center gap-2">
          Action
          <select
            className={`${inputClass} w-56`}
            value={action}
            onChange={(e) => setAction(e.target.value)}
          >
            <option value="">All actions</option>
            {FAMILIES.map((family) => (
              <optgroup key={family} label={family}>
                <option value={family}>every {family} action</option>
                {AUDIT_ACTIONS.filter((a) => a.startsWith(`${family}.`)).map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          Actor
          <input
            className={`${inputClass} w-48`}
            value={actorText}
            placeholder="user name or id"
            onChange={(e) => setActorText(e.target.value)}
            onBlur={() => setActor(actorText.trim())}
          />
        </label>
      </form>
      {body}
    </div>
  );
}
