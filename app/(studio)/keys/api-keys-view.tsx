"use client";
// API keys: the signed-in person's (an admin's: everyone's) — create one (shown once), revoke.
// Agent keys are made in the Agents page's "Add agent" dialog, for the queues chosen there.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Copy, Plus } from "lucide-react";
import { useState } from "react";
import type { ApiKeyView } from "@/contract/api-v1";
import { ROLES, roleRank, type Role } from "@/contract/roles";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useViewer } from "@/app/_lib/viewer";

export function ApiKeysView() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="API keys"
        actions={
          <button
            type="button"
            className={buttonClass("primary")}
            onClick={() => setCreating(true)}
          >
            <Plus className="size-4" aria-hidden /> New key
          </button>
        }
      />
      <p className="mx-8 mt-4 text-sm text-zinc-500">
        Keys let scripts and the CLI act as you (<code>Authorization: Bearer KEY</code>, or{" "}
        <code>PIPEBOOK_API_KEY</code>). A key is shown once; revoking one stops it at once, with
        every browser session signed in with it.
      </p>
      {creating ? <CreateKeyForm onDone={() => setCreating(false)} /> : null}
      <QueryView
        query={keys}
        what="API keys"
        empty={{ title: "No API keys yet", hint: "Create one for the CLI or a script." }}
      >
        {(rows) => (
          <DataTable
            label="API keys"
            columns={["Name", "Key", "Kind", "User", "Role", "Last used", "Expires", ""]}
          >
            {rows.map((k) => (
              <KeyRow key={k.id} apiKey={k} />
            ))}
          </DataTable>
        )}
      </QueryView>
    </>
  );
}

function KeyRow({ apiKey: k }: { apiKey: ApiKeyView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }),
    }),
  );
  return (
    <tr data-key={k.id} className={k.state === "active" ? undefined : "text-zinc-400"}>
      <td className="py-2.5 font-medium">{k.name}</td>
      <td className="py-2.5 font-mono text-xs">{k.prefix}…</td>
      <td className="py-2.5">
        {k.kind}
        {k.queues.length ? ` (${k.queues.join(", ")})` : ""}
      </td>
      <td className="py-2.5">{k.user}</td>
      <td className="py-2.5">{k.role ?? (k.kind === "agent" ? "" : "as user")}</td>
      <td className="py-2.5">{k.lastUsedAt ? formatTime(k.lastUsedAt) : "never"}</td>
      <td className="py-2.5">{k.expiresAt ? formatTime(k.expiresAt) : "never"}</td>
      <td className="py-2.5 text-right">
        {k.state !== "active" ? (
          <span data-testid="key-state">{k.state === "revoked" ? "Revoked" : "Expired"}</span>
        ) : (
          <button
            type="button"
            className={buttonClass("danger")}
            disabled={revoke.isPending}
            onClick={() => {
              if (window.confirm(`Revoke the key "${k.name}"? Whatever uses it stops working.`)) {
                revoke.mutate({ id: k.id });
              }
            }}
          >
            Revoke
          </button>
        )}
        {revoke.error ? (
          <span role="alert" className="block text-xs text-red-600">
            {revoke.error.message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function CreateKeyForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [days, setDays] = useState("");
  const [copied, setCopied] = useState(false);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() }),
    }),
  );
  const roles = ROLES.filter((r) => roleRank(r) <= roleRank(viewer.role));

  if (create.data) {
    return (
      <section className="mx-8 mt-4 flex flex-col gap-2 rounded-lg border border-emerald-300 p-4 text-sm dark:border-emerald-800">
        <p className="font-medium">
          Key “{create.data.apiKey.name}” created. Copy it now: it is not shown again.
        </p>
        <div className="flex items-start gap-2">
          <pre
            data-testid="new-key"
            className="min-w-0 flex-1 rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap text-zinc-100"
          >
            {create.data.key}
          </pre>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => {
              void navigator.clipboard?.writeText(create.data.key).then(() => setCopied(true));
            }}
          >
            {copied ? (
              <Check className="size-4" aria-hidden />
            ) : (
              <Copy className="size-4" aria-hidden />
            )}
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
        <button type="button" className={`${buttonClass()} self-start`} onClick={onDone}>
          Done
        </button>
      </section>
    );
  }

  return (
    <form
      className="mx-8 mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800"
      aria-label="New API key"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({
          name,
          kind: "user",
          ...(role ? { role } : {}),
          ...(days ? { expiresInDays: Number(days) } : {}),
        });
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="font-medium">Name</span>
        <input
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="nightly export script"
          required
          maxLength={100}
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Role</span>
        <select
          className={inputClass}
          value={role}
          onChange={(e) => setRole(e.target.value as Role | "")}
        >
          <option value="">Mine ({viewer.role})</option>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Expires after (days)</span>
        <input
          className={inputClass}
          type="number"
          min={1}
          max={3650}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          placeholder="never"
        />
      </label>
      <button type="submit" className={buttonClass("primary")} disabled={create.isPending}>
        Create key
      </button>
      <button type="button" className={buttonClass()} onClick={onDone}>
        Cancel
      </button>
      {create.error ? (
        <div className="w-full">
          <Alert>{create.error.message}</Alert>
        </div>
      ) : null}
    </form>
  );
}
