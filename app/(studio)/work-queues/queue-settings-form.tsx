"use client";
// A work queue's settings (editors): priority — an agent serving several queues claims from the
// lowest number first —, concurrency limit (empty: none) and description.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import type { WorkQueueView } from "@/contract/api-v1";

export function QueueSettingsForm({ queue }: { queue: WorkQueueView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [priority, setPriority] = useState(String(queue.priority));
  const [limit, setLimit] = useState(queue.concurrencyLimit?.toString() ?? "");
  const [description, setDescription] = useState(queue.description);
  const update = useMutation(
    trpc.queues.update.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.queues.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.limits.pathKey() }),
        ]),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      name: queue.name,
      change: {
        priority: Number(priority),
        concurrencyLimit: limit.trim() === "" ? null : Number(limit),
        description,
      },
    });
  };
  return (
    <form
      onSubmit={submit}
      aria-label={`Settings of ${queue.name}`}
      className="mb-3 flex flex-wrap items-end gap-2"
    >
      <label className="flex flex-col gap-1 text-xs">
        Priority (1 is first)
        <input
          className={`${inputClass} w-24`}
          type="number"
          min={1}
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
          required
        />
      </label>
      <label className="flex flex-col gap-1 text-xs">
        Concurrency limit
        <input
          className={`${inputClass} w-28`}
          type="number"
          min={0}
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          placeholder="none"
        />
      </label>
      <label className="flex min-w-60 flex-1 flex-col gap-1 text-xs">
        Description
        <input
          className={inputClass}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      <button type="submit" className={buttonClass()} disabled={update.isPending}>
        Save
      </button>
      {update.isSuccess && !update.isPending ? (
        <span role="status" className="text-xs text-zinc-500">
          Saved
        </span>
      ) : null}
      {update.error ? (
        <span role="alert" className="text-xs text-red-600">
          {update.error.message}
        </span>
      ) : null}
    </form>
  );
}
