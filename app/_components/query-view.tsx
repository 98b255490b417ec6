"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { EmptyState, ErrorState } from "./page-header";

/** The loading, error and empty states every list page shows, around the list itself. */
export function QueryView<T>({
  query,
  what,
  empty,
  children,
}: {
  query: UseQueryResult<T[], { message: string }>;
  /** "flows", "runs": used in the loading and error messages. */
  what: string;
  empty: { title: string; hint: ReactNode };
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <p className="px-8 py-6 text-sm text-zinc-500">Loading {what}…</p>;
  if (query.isError)
    return <ErrorState message={`Could not load ${what}: ${query.error.message}`} />;
  if (query.data.length === 0) return <EmptyState title={empty.title}>{empty.hint}</EmptyState>;
  return <>{children(query.data)}</>;
}

/** A plain list table with a header row. */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: string[];
  children: ReactNode;
}) {
  return (
    <table
      className="mx-8 my-6 w-[calc(100%-4rem)] text-left text-sm [&_td]:pr-4 [&_th]:pr-4 [&_th]:whitespace-nowrap"
      aria-label={label}
    >
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          {columns.map((c) => (
            <th key={c} className="py-2 font-medium">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
    </table>
  );
}
