"use client";
// The signed-in person's account: who they are, and changing the password (which signs out
// their other browsers).
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { MIN_PASSWORD_LENGTH } from "@/contract/api-v1/users";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_lib/trpc";

export function AccountView() {
  const trpc = useTRPC();
  const account = useQuery(trpc.account.get.queryOptions());
  const me = account.data;
  return (
    <>
      <PageHeader title="Your account" />
      <dl className="mx-8 mt-6 grid max-w-lg grid-cols-[8rem_1fr] gap-2 text-sm">
        <dt className="text-zinc-500">Name</dt>
        <dd>{me?.name ?? "…"}</dd>
        <dt className="text-zinc-500">Email</dt>
        <dd>{me ? (me.email ?? "none: this account signs in with API keys") : "…"}</dd>
        <dt className="text-zinc-500">Role</dt>
        <dd>{me?.role ?? "…"}</dd>
      </dl>
      {me?.hasPassword ? <ChangePasswordForm /> : null}
    </>
  );
}

function ChangePasswordForm() {
  const trpc = useTRPC();
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  return (
    <form
      aria-label="Change password"
      className="mx-8 mt-8 flex max-w-sm flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const field = (name: string) => String(form.get(name) ?? "");
        setMismatch(field("newPassword") !== field("repeat"));
        if (field("newPassword") !== field("repeat")) return;
        change.mutate(
          { currentPassword: field("currentPassword"), newPassword: field("newPassword") },
          { onSuccess: () => e.currentTarget?.reset() },
        );
      }}
    >
      <h2 className="font-semibold">Change password</h2>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Current password</span>
        <input
          className={inputClass}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">New password</span>
        <input
          className={inputClass}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
        />
        <span className="text-xs text-zinc-500">At least {MIN_PASSWORD_LENGTH} characters.</span>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Repeat the new password</span>
        <input
          className={inputClass}
          name="repeat"
          type="password"
          autoComplete="new-password"
          required
        />
      </label>
      <button
        type="submit"
        className={`${buttonClass("primary")} self-start`}
        disabled={change.isPending}
      >
        Change password
      </button>
      {mismatch ? <Alert>the two new passwords differ: type the same one twice</Alert> : null}
      {change.error ? <Alert>{change.error.message}</Alert> : null}
      {change.data ? (
        <p role="status" className="text-emerald-700 dark:text-emerald-400">
          Password changed.{" "}
          {change.data.endedSessions
            ? `${change.data.endedSessions} other session(s) were signed out.`
            : "No other session was open."}
        </p>
      ) : null}
    </form>
  );
}
