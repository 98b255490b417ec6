// The frame both halves of the page share: a heading, what the thing is, and an action.
import type { ReactNode } from "react";
import type { z } from "zod";

/** The first thing wrong with a value by a contract schema, as its sentence; null when none. */
export function firstProblem(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? "invalid");
}

export function Section({
  title,
  intro,
  action,
  children,
}: {
  title: string;
  intro: ReactNode;
  action: ReactNode;
  children: ReactNode;
}) {
  const id = `${title.toLowerCase()}-heading`;
  return (
    <section aria-labelledby={id} className="border-b border-zinc-200 py-6 dark:border-zinc-800">
      <div className="flex items-start justify-between gap-4 px-8">
        <div>
          <h2 id={id} className="text-lg font-semibold">
            {title}
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-zinc-500">{intro}</p>
        </div>
        {action}
      </div>
      {children}
    </section>
  );
}
