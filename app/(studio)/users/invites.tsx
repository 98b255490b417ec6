"use client";
// Invitations on the Users page: the form that makes a one-time link (shown once), and the
// pending ones with Revoke.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { ROLES, type Role } from "@/contract/roles";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { DataTable } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";

export function InviteForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [copied, setCopied] = useState(false);
  const create = useMutation(
    trpc.invites.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() }),
    }),
  );
  if (create.data) {
    const { link, invite } = create.data;
    return (
      <section className="mx-8 mt-4 flex flex-col gap-2 rounded-lg border border-emerald-300 p-4 text-sm dark:border-emerald-800">
        <p className="font-medium">
          Send this link to {invite.email} ({invite.role}). It works once, until{" "}
          {formatTime(invite.expiresAt)}, and is not shown again.
        </p>
        <div className="flex items-start gap-2">
          <pre
            data-testid="invite-link"
            className="min-w-0 flex-1 rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs break-all whitespace-pre-wrap text-zinc-100"
          >
            {link}
          </pre>
          <button
            type="button"
            className={buttonClass()}
            onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true))}
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
      aria-label="Invite a person"
      className="mx-8 mt-4 flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ email, role, expiresInDays: 7, origin: window.location.origin });
      }}
    >
      <label className="flex flex-col gap-1">
        <span className="font-medium">Email</span>
        <input
          className={inputClass}
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="ann@example.org"
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Role</span>
        <select
          className={inputClass}
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={buttonClass("primary")} disabled={create.isPending}>
        Create invitation link
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

export function InvitesList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.invites.list.queryOptions());
  const revoke = useMutation(
    trpc.invites.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() }),
    }),
  );
  const pending = (invites.data ?? []).filter((i) => i.state === "pending");
  if (pending.length === 0) return null;
  return (
    <section className="mt-6">
      <h2 className="mx-8 text-sm font-semibold">Pending invitations</h2>
      <DataTable
        label="Pending invitations"
        columns={["Email", "Role", "Invited by", "Expires", ""]}
      >
        {pending.map((i) => (
          <tr key={i.id} data-invite={i.email}>
            <td className="py-2.5">{i.email}</td>
            <td className="py-2.5">{i.role}</td>
            <td className="py-2.5">{i.createdBy ?? ""}</td>
            <td className="py-2.5">{formatTime(i.expiresAt)}</td>
            <td className="py-2.5 text-right">
              <button
                type="button"
                className={buttonClass("danger")}
                disabled={revoke.isPending}
                onClick={() => revoke.mutate({ id: i.id })}
              >
                Revoke
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
      {revoke.error ? (
        <p role="alert" className="mx-8 text-xs text-red-600">
          {revoke.error.message}
        </p>
      ) : null}
    </section>
  );
}
