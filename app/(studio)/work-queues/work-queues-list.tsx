"use client";
// Every work queue with its waiting and running runs, its online agents, Pause/Resume, its
// settings (priority, concurrency limit) and a preview of what agents take next. Queues change on their own (runs queued, claimed, agents
// coming and going): the list refreshes while the page is open.
import { useCan } from "@/app/_lib/viewer";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, Pause, Play } from "lucide-react";
import { Fragment, useState } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { useTRPC } from "@/app/_lib/trpc";
import type { WorkQueueView } from "@/contract/api-v1";
import { QueuePreview } from "./queue-preview";
import { QueueSettingsForm } from "./queue-settings-form";

const COLUMNS = ["Work queue", "Priority", "Limit", "Waiting", "Running", "Online agents", ""];

export function WorkQueuesList() {
  const trpc = useTRPC();
  const queues = useQuery({ ...trpc.queues.list.queryOptions(), refetchInterval: 3_000 });
  const canEdit = useCan("edit");
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (name: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  return (
    <QueryView
      query={queues}
      what="work queues"
      empty={{
        title: "No work queues yet",
        hint: (
          <>
            A queue is made by the first deployment to it:{" "}
            <code className="font-mono">npx pipebook deploy FILE --queue NAME</code>.
          </>
        ),
      }}
    >
      {(items) => (
        <DataTable label="Work queues" columns={COLUMNS}>
          {items.map((queue) => (
            <Fragment key={queue.name}>
              <QueueRow
                queue={queue}
                expanded={open.has(queue.name)}
                onToggle={() => toggle(queue.name)}
              />
              {open.has(queue.name) ? (
                <tr>
                  <td colSpan={COLUMNS.length} className="pb-4">
                    {canEdit ? <QueueSettingsForm queue={queue} /> : null}
                    <QueuePreview name={queue.name} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </DataTable>
      )}
    </QueryView>
  );
}

function QueueRow({
  queue,
  expanded,
  onToggle,
}: {
  queue: WorkQueueView;
  expanded: boolean;
  onToggle: () => void;
}) {
  const { waiting } = queue;
  const Chevron = expanded ? ChevronDown : ChevronRight;
  return (
    <tr data-queue={queue.name} className="align-top">
      <td className="py-2.5">
        <div className="flex items-center gap-2">
          <span className="font-mono font-medium">{queue.name}</span>
          {queue.paused ? (
            <span
              data-testid="paused-badge"
              className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300"
            >
              Paused
            </span>
          ) : null}
        </div>
        {queue.description ? <p className="text-xs text-zinc-500">{queue.description}</p> : null}
      </td>
      <td className="py-2.5 tabular-nums">{queue.priority}</td>
      <td className="py-2.5 tabular-nums text-zinc-500">{queue.concurrencyLimit ?? "—"}</td>
      <td className="py-2.5 tabular-nums" data-testid="waiting">
        {waiting.total}
        {waiting.total ? (
          <span className="ml-1 text-xs text-zinc-500">
            ({waiting.due} due
            {waiting.late ? (
              <span className="text-amber-700 dark:text-amber-400">, {waiting.late} late</span>
            ) : null}
            )
          </span>
        ) : null}
      </td>
      <td className="py-2.5 tabular-nums" data-testid="running">
        {queue.running}
      </td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">
        {queue.agents.length ? (
          queue.agents.map((a) => a.name).join(", ")
        ) : (
          <span className="text-amber-700 dark:text-amber-400">none</span>
        )}
      </td>
      <td className="py-2.5">
        <div className="flex justify-end gap-2">
          <PauseButton queue={queue} />
          <button
            type="button"
            className={buttonClass()}
            aria-expanded={expanded}
            onClick={onToggle}
            title="The runs agents will claim next, in claim order"
          >
            <Chevron className="size-4" aria-hidden /> Preview
          </button>
        </div>
      </td>
    </tr>
  );
}

function PauseButton({ queue }: { queue: WorkQueueView }) {
  const canOperate = useCan("operate");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.queues.pathKey() });
  const pause = useMutation(trpc.queues.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.queues.resume.mutationOptions({ onSuccess: refresh }));
  const busy = pause.isPending || resume.isPending;
  const error = pause.error ?? resume.error;
  if (!canOperate) return null;
  return (
    <>
      {error ? (
        <span role="alert" className="self-center text-xs text-red-600">
          {error.message}
        </span>
      ) : null}
      {queue.paused ? (
        <button
          type="button"
          className={buttonClass()}
          disabled={busy}
          onClick={() => resume.mutate({ name: queue.name })}
          title="Agents claim its runs again"
        >
          <Play className="size-4" aria-hidden /> Resume
        </button>
      ) : (
        <button
          type="button"
          className={buttonClass()}
          disabled={busy}
          onClick={() => pause.mutate({ name: queue.name })}
          title="Agents claim none of its runs until it is resumed; running ones go on"
        >
          <Pause className="size-4" aria-hidden /> Pause
        </button>
      )}
    </>
  );
}
