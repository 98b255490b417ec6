"use client";
// Users (admins only): people with their role and last sign-in — change a role, disable an
// account — and the pending invitations, with a form that makes a new one-time link.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { useState } from "react";
import type { UserView } from "@/contract/api-v1";
import { ROLES, type Role } from "@/contract/roles";
import { buttonClass } from "@/app/_components/dialog";
import { ErrorState, PageHeader } from "@/app/_components/page-header";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan, useViewer } from "@/app/_lib/viewer";
import { InviteForm, InvitesList } from "./invites";

export function UsersView() {
  const trpc = useTRPC();
  const isAdmin = useCan("admin");
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: isAdmin });
  const [inviting, setInviting] = useState(false);
  if (!isAdmin) return <ErrorState message="Only admins manage users." />;
  return (
    <>
      <PageHeader
        title="Users"
        actions={
          <button
            type="button"
            className={buttonClass("primary")}
            onClick={() => setInviting(true)}
          >
            <UserPlus className="size-4" aria-hidden /> Invite
          </button>
        }
      />
      {inviting ? <InviteForm onDone={() => setInviting(false)} /> : null}
      <QueryView query={users} what="users" empty={{ title: "No users", hint: "Invite someone." }}>
        {(rows) => (
          <DataTable
            label="Users"
            columns={["Name", "Email", "Role", "Last sign-in", "Status", ""]}
          >
            {rows.map((u) => (
              <UserRow key={u.id} user={u} />
            ))}
          </DataTable>
        )}
      </QueryView>
      <InvitesList />
    </>
  );
}

function UserRow({ user: u }: { user: UserView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useViewer();
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }),
    }),
  );
  return (
    <tr data-user={u.email ?? u.name} className={u.disabled ? "text-zinc-400" : undefined}>
      <td className="py-2.5 font-medium">{u.name}</td>
      <td className="py-2.5">{u.email ?? <span className="text-zinc-400">API keys only</span>}</td>
      <td className="py-2.5">
        <select
          aria-label={`Role of ${u.name}`}
          value={u.role}
          disabled={update.isPending || u.disabled}
          onChange={(e) => update.mutate({ id: u.id, change: { role: e.target.value as Role } })}
          className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td className="py-2.5">{u.lastSignInAt ? formatTime(u.lastSignInAt) : "never"}</td>
      <td className="py-2.5">{u.disabled ? "Disabled" : "Active"}</td>
      <td className="py-2.5 text-right">
        {u.name === me.userName ? null : (
          <button
            type="button"
            className={buttonClass(u.disabled ? "secondary" : "danger")}
            disabled={update.isPending}
            onClick={() => {
              if (
                u.disabled ||
                window.confirm(
                  `Disable ${u.name}? Their API keys stop and their browsers are signed out.`,
                )
              ) {
                update.mutate({ id: u.id, change: { disabled: !u.disabled } });
              }
            }}
          >
            {u.disabled ? "Enable" : "Disable"}
          </button>
        )}
        {update.error ? (
          <span role="alert" className="block text-xs text-red-600">
            {update.error.message}
          </span>
        ) : null}
      </td>
    </tr>
  );
}
