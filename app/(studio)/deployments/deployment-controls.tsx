"use client";
// A deployment's pause (operators) and concurrency limit (editors) on the deployments page. A
// paused deployment's runs wait unclaimed and its schedules create none.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Gauge, Pause, Play } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import type { DeploymentView } from "@/contract/api-v1";

function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
}

export function PauseDeploymentButton({ deployment: d }: { deployment: DeploymentView }) {
  const trpc = useTRPC();
  const canOperate = useCan("operate");
  const refresh = useRefresh();
  const pause = useMutation(trpc.deploymentSettings.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(
    trpc.deploymentSettings.resume.mutationOptions({ onSuccess: refresh }),
  );
  if (!canOperate) return null;
  const error = pause.error ?? resume.error;
  const busy = pause.isPending || resume.isPending;
  return (
    <>
      {error ? (
        <span role="alert" className="mr-2 text-xs text-red-600">
          {error.message}
        </span>
      ) : null}
      {d.paused ? (
        <button
          type="button"
          className={`${buttonClass()} mr-2`}
          disabled={busy}
          onClick={() => resume.mutate({ id: d.id })}
          title="Agents claim its runs again; its schedules go on from the next slot"
        >
          <Play className="size-3.5" aria-hidden /> Resume
        </button>
      ) : (
        <button
          type="button"
          className={`${buttonClass()} mr-2`}
          disabled={busy}
          onClick={() => pause.mutate({ id: d.id })}
          title="No agent claims its runs and its schedules create none until it is resumed"
        >
          <Pause className="size-3.5" aria-hidden /> Pause
        </button>
      )}
    </>
  );
}

export function LimitButton({ deployment: d }: { deployment: DeploymentView }) {
  const canEdit = useCan("edit");
  const [open, setOpen] = useState(false);
  if (!canEdit) return null;
  return (
    <>
      <button
        type="button"
        className={`${buttonClass()} mr-2`}
        onClick={() => setOpen(true)}
        title="At most this many of its runs at once"
      >
        <Gauge className="size-3.5" aria-hidden /> Limit
      </button>
      <Dialog
        open={open}
        title={`Concurrency limit of ${d.flow}/${d.name}`}
        onClose={() => setOpen(false)}
      >
        {open ? <LimitForm deployment={d} onDone={() => setOpen(false)} /> : null}
      </Dialog>
    </>
  );
}

function LimitForm({ deployment: d, onDone }: { deployment: DeploymentView; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [limit, setLimit] = useState(d.concurrencyLimit?.toString() ?? "");
  const save = useMutation(
    trpc.deploymentSettings.setLimit.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id: d.id, concurrencyLimit: limit.trim() === "" ? null : Number(limit) });
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm">
        At most this many of its runs at once (empty: no limit)
        <input
          className={`${inputClass} w-32`}
          type="number"
          min={0}
          value={limit}
          onChange={(e) => setLimit(e.target.value)}
          placeholder="none"
        />
      </label>
      {save.error ? <Alert>{save.error.message}</Alert> : null}
      <div className="flex justify-end">
        <button type="submit" className={buttonClass("primary")} disabled={save.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}
