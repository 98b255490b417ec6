"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";

async function signIn(apiKey: string): Promise<string | null> {
  const response = await fetch("/api/auth/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiKey }),
  });
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `sign-in failed (HTTP ${response.status})`;
}

export function SignInForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  async function submit(apiKey: string) {
    setBusy(true);
    setError(null);
    const problem = await signIn(apiKey);
    setBusy(false);
    if (problem) setError(problem);
    else router.replace("/flows");
  }

  // The sign-in link printed by the server carries the key in the URL fragment (#key=…),
  // which never reaches a server log; use it once and drop it from the address bar.
  useEffect(() => {
    const key = new URLSearchParams(window.location.hash.slice(1)).get("key");
    if (key && !started.current) {
      started.current = true;
      window.history.replaceState(null, "", window.location.pathname);
      void submit(key);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const key = new FormData(event.currentTarget).get("apiKey");
    if (typeof key === "string" && key.trim()) void submit(key.trim());
    else setError("paste an API key");
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <label htmlFor="apiKey" className="text-sm font-medium">
        API key
      </label>
      <input
        id="apiKey"
        name="apiKey"
        type="password"
        autoComplete="off"
        placeholder="pb_…"
        className="rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 dark:border-zinc-700 dark:bg-zinc-950"
      />
      {error ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
