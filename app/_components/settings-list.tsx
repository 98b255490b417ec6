// The parts every settings list of the studio shares (secrets, variables, storages): a section
// with a heading, what the thing is and an action; a row's confirmed delete with its error beside
// it; a form's error and its Cancel / submit buttons; the contract's first complaint about a value.
import type { ReactNode } from "react";
import { Trash2 } from "lucide-react";
import type * as z from "zod";
import { Alert, buttonClass } from "./dialog";

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

/**
 * A row's actions, ending with a delete that asks first (`confirm`, the question) and shows its
 * failure beside the buttons.
 */
export function RowActions({
  children,
  remove,
}: {
  children?: ReactNode;
  remove?: {
    /** The button's accessible name, e.g. "Delete secret GITHUB_TOKEN". */
    label: string;
    text: string;
    confirm: string;
    pending: boolean;
    error: { message: string } | null;
    onConfirmed: () => void;
  };
}) {
  return (
    <div className="flex justify-end gap-2">
      {remove?.error ? (
        <span role="alert" className="self-center text-xs text-red-600">
          {remove.error.message}
        </span>
      ) : null}
      {children}
      {remove ? (
        <button
          type="button"
          className={buttonClass()}
          disabled={remove.pending}
          aria-label={remove.label}
          onClick={() => {
            if (window.confirm(remove.confirm)) remove.onConfirmed();
          }}
        >
          <Trash2 className="size-4" aria-hidden /> {remove.text}
        </button>
      ) : null}
    </div>
  );
}

/** The end of a settings form: what is wrong (if anything), Cancel, and the submit button. */
export function FormActions({
  error,
  onCancel,
  pending,
  submit,
}: {
  error: string | null | undefined;
  onCancel: () => void;
  pending: boolean;
  submit: string;
}) {
  return (
    <>
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass()} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className={buttonClass("primary")} disabled={pending}>
          {submit}
        </button>
      </div>
    </>
  );
}
