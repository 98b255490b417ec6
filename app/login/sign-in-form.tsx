"use client";
// Email and password; or, for scripts' users and automation, an API key. Nothing signs in from
// the address: a link cannot sign a browser in without the person's click (no login CSRF).
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { authButtonClass, authInputClass } from "@/app/_components/auth-card";
import { postAuth } from "@/app/_lib/auth-post";

export function SignInForm() {
  const router = useRouter();
  const [withKey, setWithKey] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Earlier versions printed links with the admin key in the fragment (/login#key=…): such a
  // link is no longer used, and the key is taken out of the address bar and history.
  useEffect(() => {
    if (/(^#|&)key=/.test(window.location.hash)) {
      window.history.replaceState(null, "", window.location.pathname);
    }
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    if (withKey && !field("apiKey").trim()) return setError("paste an API key");
    setBusy(true);
    setError(null);
    const problem = await postAuth(
      "/api/auth/session",
      withKey
        ? { apiKey: field("apiKey").trim() }
        : { email: field("email"), password: field("password") },
    );
    setBusy(false);
    if (problem) setError(problem);
    else router.replace("/flows");
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      {withKey ? (
        <>
          <label htmlFor="apiKey" className="text-sm font-medium">
            API key
          </label>
          <input
            id="apiKey"
            name="apiKey"
            type="password"
            autoComplete="off"
            placeholder="pb_…"
            className={`${authInputClass} font-mono`}
          />
        </>
      ) : (
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
          <label htmlFor="password" className="text-sm font-medium">
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={authInputClass}
          />
        </>
      )}
      {error ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className={authButtonClass}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <button
        type="button"
        className="self-start text-xs text-indigo-600 hover:underline dark:text-indigo-400"
        onClick={() => {
          setWithKey(!withKey);
          setError(null);
        }}
      >
        {withKey ? "Use email and password instead" : "Use an API key instead"}
      </button>
    </form>
  );
}
