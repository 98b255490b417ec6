"use client";
// The flows page: every flow with its latest version and last run; create, open, rename, delete,
// import and export.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { Download, Pencil, Plus, Trash2, Upload } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { StateBadge } from "@/app/_components/state-badge";
import { formatTime } from "@/app/_lib/format";
import { downloadText } from "@/app/_lib/download";
import { useTRPC } from "@/app/_lib/trpc";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { IconButton } from "@/app/_components/icon-button";
import { useCan } from "@/app/_lib/viewer";

type Pending =
  { kind: "new" } | { kind: "rename"; name: string } | { kind: "delete"; name: string } | null;

export function FlowsList() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const canEdit = useCan("edit");
  const [pending, setPending] = useState<Pending>(null);
  const [importProblems, setImportProblems] = useState<string[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });

  const importFlow = useMutation(trpc.flows.import.mutationOptions());
  async function onImport(file: File) {
    setImportProblems([]);
    const text = await file.text();
    const format = /\.json$/i.test(file.name) ? "json" : "yaml";
    try {
      const saved = await importFlow.mutateAsync({ text, format });
      void refresh();
      router.push(`/flows/${saved.name}`);
    } catch (error) {
      const issues =
        error instanceof TRPCClientError
          ? ((error.data as { issues?: FlowIssue[] })?.issues ?? [])
          : [];
      setImportProblems(
        issues.length
          ? issues.map((i) => `${i.message}${i.location ? ` (line ${i.location.line})` : ""}`)
          : [(error as Error).message],
      );
    }
  }

  async function exportFlow(name: string) {
    const file = await queryClient.fetchQuery(
      trpc.flows.export.queryOptions({ name, format: "yaml" }),
    );
    downloadText(file.fileName, file.text, "application/yaml");
  }

  return (
    <>
      <PageHeader
        title="Flows"
        actions={
          canEdit ? (
            <>
              <input
                ref={fileInput}
                type="file"
                accept=".yaml,.yml,.json,application/json,application/yaml"
                className="hidden"
                aria-label="Flow file to import"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = "";
                  if (file) void onImport(file);
                }}
              />
              <button
                type="button"
                className={buttonClass()}
                onClick={() => fileInput.current?.click()}
                disabled={importFlow.isPending}
              >
                <Upload className="size-4" aria-hidden /> Import
              </button>
              <button
                type="button"
                className={buttonClass("primary")}
                onClick={() => setPending({ kind: "new" })}
              >
                <Plus className="size-4" aria-hidden /> New flow
              </button>
            </>
          ) : null
        }
      />
      {importProblems.length ? (
        <div className="mx-8 mt-4">
          <Alert>
            The file was not imported:
            <ul className="list-disc pl-5">
              {importProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </Alert>
        </div>
      ) : null}
      <QueryView
        query={flows}
        what="flows"
        empty={{
          title: "No flows yet",
          hint: (
            <>
              Create one with <strong>New flow</strong>, import a flow file, or use{" "}
              <code className="font-mono">npx pipebook flow import FILE</code>.
            </>
          ),
        }}
      >
        {(items) => (
          <DataTable
            label="Flows"
            columns={["Name", "Description", "Version", "Last run", "Updated", ""]}
          >
            {items.map((flow) => (
              <tr key={flow.id} data-flow={flow.name}>
                <td className="py-2.5 font-medium">
                  <Link href={`/flows/${flow.name}`} className="hover:underline">
                    {flow.name}
                  </Link>
                </td>
                <td className="py-2.5 text-zinc-500">{flow.description}</td>
                <td className="py-2.5 tabular-nums">v{flow.version}</td>
                <td className="py-2.5">
                  {flow.lastRun ? (
                    <Link
                      href={`/runs/${flow.lastRun.id}`}
                      title={formatTime(flow.lastRun.createdAt)}
                    >
                      <StateBadge state={flow.lastRun.state} />
                    </Link>
                  ) : (
                    <span className="text-zinc-400">never run</span>
                  )}
                </td>
                <td className="py-2.5 text-zinc-500">{formatTime(flow.updatedAt)}</td>
                <td className="py-2.5 text-right whitespace-nowrap">
                  <IconButton
                    label={`Export ${flow.name}`}
                    onClick={() => void exportFlow(flow.name)}
                  >
                    <Download className="size-4" aria-hidden />
                  </IconButton>
                  {canEdit ? (
                    <>
                      <IconButton
                        label={`Rename ${flow.name}`}
                        onClick={() => setPending({ kind: "rename", name: flow.name })}
                      >
                        <Pencil className="size-4" aria-hidden />
                      </IconButton>
                      <IconButton
                        label={`Delete ${flow.name}`}
                        onClick={() => setPending({ kind: "delete", name: flow.name })}
                      >
                        <Trash2 className="size-4" aria-hidden />
                      </IconButton>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      <NameDialog
        pending={pending}
        onClose={() => setPending(null)}
        onDone={(name) => {
          setPending(null);
          void refresh();
          if (name) router.push(`/flows/${name}`);
        }}
      />
      <DeleteDialog
        pending={pending}
        onClose={() => setPending(null)}
        onDone={() => {
          setPending(null);
          void refresh();
        }}
      />
    </>
  );
}

/** "New flow" and "Rename": one name field, checked by the server. */
function NameDialog({
  pending,
  onClose,
  onDone,
}: {
  pending: Pending;
  onClose: () => void;
  onDone: (name: string | null) => void;
}) {
  const trpc = useTRPC();
  const create = useMutation(trpc.flows.create.mutationOptions());
  const rename = useMutation(trpc.flows.rename.mutationOptions());
  const open = pending?.kind === "new" || pending?.kind === "rename";
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const title = pending?.kind === "rename" ? `Rename ${pending.name}` : "New flow";
  return (
    <Dialog
      open={open}
      title={title}
      onClose={() => {
        setError(null);
        setName("");
        onClose();
      }}
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            if (pending?.kind === "rename") {
              const renamed = await rename.mutateAsync({ name: pending.name, newName: name });
              onDone(null);
              void renamed;
            } else {
              const created = await create.mutateAsync({ name });
              onDone(created.name);
            }
            setName("");
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium">
          Flow name
          <input
            autoFocus
            className={`${inputClass} font-mono`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={pending?.kind === "rename" ? pending.name : "github-stars"}
          />
          <span className="text-xs font-normal text-zinc-500">
            Lowercase letters, digits and -, starting with a letter.
          </span>
        </label>
        {error ? <Alert>{error}</Alert> : null}
        <div className="flex justify-end">
          <button
            type="submit"
            className={buttonClass("primary")}
            disabled={create.isPending || rename.isPending || !name}
          >
            {pending?.kind === "rename" ? "Rename" : "Create flow"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({
  pending,
  onClose,
  onDone,
}: {
  pending: Pending;
  onClose: () => void;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.flows.delete.mutationOptions());
  const name = pending?.kind === "delete" ? pending.name : "";
  return (
    <Dialog
      open={pending?.kind === "delete"}
      title={`Delete ${name}?`}
      onClose={() => {
        remove.reset();
        onClose();
      }}
    >
      <div className="flex flex-col gap-3 text-sm">
        <p>
          This deletes every version of {name}, its deployments and the history of its runs. It
          cannot be undone; export the flow first to keep a copy.
        </p>
        {remove.error ? <Alert>{remove.error.message}</Alert> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={buttonClass()} onClick={onClose}>
            Keep it
          </button>
          <button
            type="button"
            className={buttonClass("danger")}
            disabled={remove.isPending}
            onClick={() => remove.mutate({ name }, { onSuccess: onDone })}
          >
            Delete flow
          </button>
        </div>
      </div>
    </Dialog>
  );
}
