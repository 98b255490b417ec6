"use client";
// The Limits section of the work queues page: every concurrency limit with its slots in use
// ("db 2/2 in use"), tag limits set and removed here (editors). Slots change on their own as
// runs start and end: the list refreshes while the page is open.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";

export function LimitsSection() {
  const trpc = useTRPC();
  const canEdit = useCan("edit");
  const limits = useQuery({ ...trpc.limits.list.queryOptions(), refetchInterval: 2_000 });
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.limits.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.queues.pathKey() }),
    ]);
  const remove = useMutation(trpc.limits.remove.mutationOptions({ onSuccess: refresh }));
  const data = limits.data;
  const rows = data
    ? [
        ...data.tags.map((t) => ({ kind: "tag", ...t, name: t.tag })),
        ...data.workQueues.map((q) => ({ kind: "work queue", ...q, waiting: null, tag: null })),
        ...data.deployments.map((d) => ({ kind: "deployment", ...d, waiting: null, tag: null })),
      ]
    : [];
  return (
    <section aria-label="Concurrency limits" className="mx-8 mt-8 flex flex-col gap-3">
      <div>
        <h2 className="text-base font-semibold">Concurrency limits</h2>
        <p className="text-xs text-zinc-500">
          At most this many runs at once: a tag&apos;s limit holds across every deployment and queue
          carrying it. Runs beyond a limit wait and start as soon as a slot frees.
        </p>
      </div>
      {limits.isError ? <Alert>Could not load the limits: {limits.error.message}</Alert> : null}
      {remove.error ? <Alert>{remove.error.message}</Alert> : null}
      {data && rows.length === 0 ? (
        <p className="text-sm text-zinc-500">No limits: every due run is claimed at once.</p>
      ) : null}
      {rows.length ? (
        <ul className="flex flex-col gap-1" aria-label="Limits in use">
          {rows.map((row) => (
            <li
              key={`${row.kind}:${row.name}`}
              data-limit={`${row.kind}:${row.name}`}
              className="flex items-center gap-3 text-sm"
            >
              <span className="w-24 text-xs text-zinc-500">{row.kind}</span>
              <span className="font-mono font-medium">{row.name}</span>
              <span
                data-testid="slots"
                className={
                  row.inUse >= row.limit
                    ? "tabular-nums text-amber-800 dark:text-amber-300"
                    : "tabular-nums"
                }
              >
                {row.inUse}/{row.limit} in use
              </span>
              {row.waiting ? (
                <span className="text-xs text-zinc-500">{row.waiting} waiting</span>
              ) : null}
              {canEdit && row.tag ? (
                <button
                  type="button"
                  className={buttonClass()}
                  aria-label={`Remove the limit of tag ${row.tag}`}
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ tag: row.tag! })}
                >
                  <Trash2 className="size-3.5" aria-hidden /> Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? <TagLimitForm onSaved={refresh} /> : null}
    </section>
  );
}

function TagLimitForm({ onSaved }: { onSaved: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const [tag, setTag] = useState("");
  const [limit, setLimit] = useState("1");
  const set = useMutation(
    trpc.limits.set.mutationOptions({
      onSuccess: async () => {
        setTag("");
        await onSaved();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate({ tag: tag.trim(), limit: Number(limit) });
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="Set a tag limit">
      <label className="flex flex-col gap-1 text-xs">
        Tag
        <input
          className={`${inputClass} w-40 font-mono`}
          value={tag}
          onChange={(e) => setTag(e.target.value)}
          placeholder="db"
          required
        />
      </label>
      <label className="flex flex-col gap-1 text-xs">
        At most at once
        <input
          className={`${inputClass} w-24`}
          type="number"
          min={0}
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          required
        />
      </label>
      <button type="submit" className={buttonClass("primary")} disabled={set.isPending}>
        Set limit
      </button>
      {set.error ? (
        <span role="alert" className="text-xs text-red-600">
          {set.error.message}
        </span>
      ) : null}
    </form>
  );
}
