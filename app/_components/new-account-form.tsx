"use client";
// Making an account from a one-time link (/setup for the first admin, /invite for an invited
// person): the token comes from the link's fragment when the person submits, never before.
import { useState, type FormEvent } from "react";
import { MIN_PASSWORD_LENGTH } from "@/contract/api-v1/users";
import { postAuth, tokenFromFragment } from "@/app/_lib/auth-post";
import { authButtonClass, authInputClass } from "./auth-card";

export function NewAccountForm({
  endpoint,
  askEmail,
  submitLabel,
}: {
  endpoint: "/api/auth/setup" | "/api/auth/invite";
  askEmail: boolean;
  submitLabel: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    if (field("password") !== field("repeat")) {
      return setError("the two passwords differ: type the same one twice");
    }
    const token = tokenFromFragment();
    if (!token) return setError("this page needs the whole link, with its #token=… part");
    setBusy(true);
    setError(null);
    const problem = await postAuth(endpoint, {
      token,
      ...(askEmail ? { email: field("email") } : {}),
      name: field("name"),
      password: field("password"),
    });
    setBusy(false);
    // A full load: the studio starts afresh as the new person.
    if (problem) setError(problem);
    else window.location.replace("/flows");
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      {askEmail ? (
        <>
          <label htmlFor="email" className="text-sm font-medium">
            Email
          </label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            className={authInputClass}
          />
        </>
      ) : null}
      <label htmlFor="name" className="text-sm font-medium">
        Name
      </label>
      <input
        id="name"
        name="name"
        autoComplete="name"
        required
        maxLength={100}
        className={authInputClass}
      />
      <label htmlFor="password" className="text-sm font-medium">
        Password
      </label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        aria-describedby="password-rule"
        className={authInputClass}
      />
      <p id="password-rule" className="text-xs text-zinc-500">
        At least {MIN_PASSWORD_LENGTH} characters.
      </p>
      <label htmlFor="repeat" className="text-sm font-medium">
        Repeat the password
      </label>
      <input
        id="repeat"
        name="repeat"
        type="password"
        autoComplete="new-password"
        required
        className={authInputClass}
      />
      {error ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className={authButtonClass}>
        {busy ? "Working…" : submitLabel}
      </button>
    </form>
  );
}
