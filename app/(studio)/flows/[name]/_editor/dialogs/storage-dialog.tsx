"use client";
// The flow's storage: where its runs write large results unless a deployment chose its own
// (server/storage/storage-choice.ts), with where each deployment writes now.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormActions } from "@/app/_components/settings-list";
import { Alert, Dialog } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import { StorageSelect } from "./storage-select";

const SOURCES = {
  deployment: "its own choice",
  flow: "follows the flow",
  default: "the default",
} as const;

export function StorageDialog(props: { open: boolean; flow: string; onClose: () => void }) {
  return (
    <Dialog open={props.open} title={`Storage of ${props.flow}`} onClose={props.onClose}>
      {props.open ? <FlowStorageForm {...props} /> : null}
    </Dialog>
  );
}

function FlowStorageForm({ flow, onClose }: { flow: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canEdit = useCan("edit");
  const current = useQuery(trpc.flows.storage.queryOptions({ name: flow }));
  const storages = useQuery(trpc.storages.list.queryOptions());
  const save = useMutation(trpc.flows.setStorage.mutationOptions());
  const [choice, setChoice] = useState<string | null>(null);

  if (current.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (current.isError) return <Alert>{current.error.message}</Alert>;
  const view = current.data;
  const chosen = choice ?? view.effective;

  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(
          { name: flow, storage: chosen },
          {
            onSuccess: (saved) => {
              queryClient.setQueryData(trpc.flows.storage.queryKey({ name: flow }), saved);
              void queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
              void queryClient.invalidateQueries({ queryKey: trpc.storages.list.queryKey() });
              onClose();
            },
          },
        );
      }}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Results over 256 KB of this flow&apos;s runs are written here — by every deployment that did
        not choose a storage of its own, and by Run cell.
      </p>
      <StorageSelect
        storages={storages.data}
        value={chosen}
        disabled={!canEdit}
        onChange={setChoice}
      />
      {view.deployments.length ? (
        <table className="text-sm" data-testid="flow-storage-deployments">
          <thead>
            <tr className="text-left text-zinc-500">
              <th className="font-medium">Deployment</th>
              <th className="font-medium">Writes to</th>
              <th className="font-medium">Chosen by</th>
            </tr>
          </thead>
          <tbody>
            {view.deployments.map((d) => (
              <tr key={d.name}>
                <td>{d.name}</td>
                <td>{d.storage}</td>
                <td>{SOURCES[d.source]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canEdit ? (
        <FormActions
          error={save.error?.message}
          onCancel={onClose}
          pending={save.isPending}
          submit="Save storage"
        />
      ) : null}
    </form>
  );
}
