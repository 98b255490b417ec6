// The frame of the pages people see before they are signed in: sign-in, first-admin setup,
// accepting an invitation.
import { Boxes } from "lucide-react";
import type { ReactNode } from "react";

export function AuthCard({
  title,
  children,
  footer,
}: {
  title: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-zinc-50 p-6 dark:bg-zinc-950">
      <div className="w-full max-w-sm rounded-2xl border border-zinc-200 bg-white p-8 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mb-2 flex items-center gap-2 text-lg font-semibold">
          <Boxes className="size-5 text-indigo-600" aria-hidden />
          Pipebook
        </div>
        <h1 className="mb-6 text-sm text-zinc-500">{title}</h1>
        {children}
        {footer ? <div className="mt-6 text-xs leading-relaxed text-zinc-500">{footer}</div> : null}
      </div>
    </main>
  );
}

export const authInputClass =
  "rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 dark:border-zinc-700 dark:bg-zinc-950";

export const authButtonClass =
  "rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60";
