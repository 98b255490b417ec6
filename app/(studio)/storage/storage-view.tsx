"use client";
// Storage blocks: where results larger than 256 KB go. "local" (the server's data folder) is
// built in; admins add S3-compatible buckets, whose keys become secrets and are never shown.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState } from "react";
import { buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { useTRPC } from "@/app/_lib/trpc";
import { CreateStorageRequestSchema, type Storage } from "@/contract/api-v1";
import { FormActions, firstProblem, RowActions, Section } from "@/app/_components/settings-list";

export function StorageView() {
  const trpc = useTRPC();
  const storages = useQuery(trpc.storages.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <Section
      title="Storages"
      intro={
        <>
          Task results larger than 256 KB are written by the agent to its deployment&apos;s storage
          and only referenced in the database. Agents never hold a storage&apos;s keys: the server
          hands them short-lived URLs. A deployment chooses one when deployed (
          <code className="font-mono">--storage NAME</code>); the default is{" "}
          <code className="font-mono">local</code>.
        </>
      }
      action={
        <button type="button" className={buttonClass("primary")} onClick={() => setCreating(true)}>
          <Plus className="size-4" aria-hidden /> New S3 storage
        </button>
      }
    >
      <QueryView
        query={storages}
        what="storages"
        empty={{ title: "No storages", hint: "The local storage is always there." }}
      >
        {(items) => (
          <DataTable
            label="Storages"
            columns={["Name", "Kind", "Where", "Keys", "Deployments", "Results", ""]}
          >
            {items.map((storage) => (
              <StorageRow key={storage.name} storage={storage} />
            ))}
          </DataTable>
        )}
      </QueryView>
      <Dialog open={creating} title="New S3 storage" onClose={() => setCreating(false)}>
        {creating ? <CreateStorageForm onDone={() => setCreating(false)} /> : null}
      </Dialog>
    </Section>
  );
}

function StorageRow({ storage }: { storage: Storage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.storages.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.storages.pathKey() }),
    }),
  );
  return (
    <tr data-storage={storage.name}>
      <td className="py-2.5 font-mono font-medium">{storage.name}</td>
      <td className="py-2.5">{storage.kind}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">
        {storage.kind === "local"
          ? "the server's data folder"
          : `${storage.endpoint ?? "AWS S3"} · ${storage.bucket}/${storage.prefix}`}
      </td>
      <td className="py-2.5 font-mono text-xs text-zinc-500">
        {storage.credentialSecrets.join(", ") || "—"}
      </td>
      <td className="py-2.5">{storage.deployments}</td>
      <td className="py-2.5">{storage.results}</td>
      <td className="py-2.5">
        <RowActions
          remove={
            storage.builtIn
              ? undefined
              : {
                  label: `Remove storage ${storage.name}`,
                  text: "Remove",
                  confirm: `Remove storage ${storage.name} and the secrets of its keys?`,
                  pending: remove.isPending,
                  error: remove.error,
                  onConfirmed: () => remove.mutate({ name: storage.name }),
                }
          }
        />
      </td>
    </tr>
  );
}

function Field({
  label,
  name,
  hint,
  ...rest
}: { label: string; name: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      {label}
      <input
        name={name}
        className={`${inputClass} font-mono`}
        autoComplete="off"
        spellCheck={false}
        {...rest}
      />
      {hint ? <span className="text-xs text-zinc-500">{hint}</span> : null}
    </label>
  );
}

function CreateStorageForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.storages.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.storages.pathKey() });
        onDone();
      },
    }),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const error = problem ?? create.error?.message;
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const text = (key: string) => String(form.get(key) ?? "").trim();
        const input = {
          name: text("name"),
          kind: "s3" as const,
          ...(text("endpoint") ? { endpoint: text("endpoint") } : {}),
          region: text("region") || "us-east-1",
          bucket: text("bucket"),
          prefix: text("prefix"),
          forcePathStyle: form.get("forcePathStyle") === "on",
          accessKeyId: text("accessKeyId"),
          secretAccessKey: String(form.get("secretAccessKey") ?? ""),
          verify: form.get("verify") === "on",
        };
        // The contract's own rules, said here before anything travels.
        const wrong = firstProblem(CreateStorageRequestSchema, input);
        setProblem(wrong);
        if (!wrong) create.mutate(input);
      }}
    >
      <Field label="Name" name="name" required autoFocus placeholder="s3-results" />
      <Field
        label="Endpoint"
        name="endpoint"
        placeholder="http://127.0.0.1:9000"
        hint="Leave empty for AWS S3 itself; set it for MinIO, R2 and other S3-compatible servers."
      />
      <div className="grid grid-cols-2 gap-3">
        <Field label="Region" name="region" placeholder="us-east-1" />
        <Field label="Bucket" name="bucket" required placeholder="results" />
      </div>
      <Field label="Prefix" name="prefix" placeholder="pipebook/" hint="Keys start with it." />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="forcePathStyle" /> Path-style addressing (MinIO, s3rver)
      </label>
      <Field label="Access key id" name="accessKeyId" required />
      <Field
        label="Secret access key"
        name="secretAccessKey"
        type="password"
        required
        hint="Kept as a secret on the server; never shown again."
      />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="verify" defaultChecked /> Check the bucket can be reached with
        these keys first
      </label>
      <FormActions
        error={error}
        onCancel={onDone}
        pending={create.isPending}
        submit={create.isPending ? "Checking…" : "Create storage"}
      />
    </form>
  );
}
