import type { Metadata } from "next";
import { Boxes } from "lucide-react";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 p-6 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-6 flex items-center gap-2 text-lg font-semibold">
          <Boxes className="size-5 text-indigo-600" aria-hidden />
          Pipebook
        </div>
        <SignInForm />
        <p className="mt-6 text-xs leading-relaxed text-zinc-500">
          On the server&apos;s machine the admin key is in{" "}
          <code className="font-mono">.pipebook/admin-api-key</code>, and the server prints a
          sign-in link when it starts.
        </p>
      </div>
    </main>
  );
}
