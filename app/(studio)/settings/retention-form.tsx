"use client";
// Three limits in days (empty: keep forever, or for a deployment: as the global limit), saved as
// one change. Shared by the global limits and each deployment's own.
import { useState, type FormEvent } from "react";
import { buttonClass, inputClass } from "@/app/_components/dialog";

export type Limits = {
  logsDays: number | null;
  resultsDays: number | null;
  artifactsDays: number | null;
};

/** The form's fields, in the order they show (and are checked in). */
const LIMITS = [
  { key: "logsDays", label: "Logs" },
  { key: "resultsDays", label: "Results" },
  { key: "artifactsDays", label: "Artifacts" },
] as const satisfies readonly { key: keyof Limits; label: string }[];

/** Each field as typed, by limit. */
type DaysText = Record<keyof Limits, string>;

const text = (days: number | null) => (days === null ? "" : String(days));

/** "" → null; a whole number of days 1..36500 → it; anything else → an error to show. */
function parseDays(label: string, value: string): number | null | string {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const n = Number(trimmed);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) {
    return `${label}: a whole number of days from 1 to 36500, or empty`;
  }
  return n;
}

export function RetentionForm({
  name,
  initial,
  emptyMeans,
  canEdit,
  busy,
  onSave,
}: {
  /** Names the form and its fields for assistive technology and tests. */
  name: string;
  initial: Limits;
  emptyMeans: string;
  canEdit: boolean;
  busy: boolean;
  onSave: (limits: Limits) => void;
}) {
  const [days, setDays] = useState(
    () => Object.fromEntries(LIMITS.map(({ key }) => [key, text(initial[key])])) as DaysText,
  );
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = LIMITS.map(({ key, label }) => [key, parseDays(label, days[key])] as const);
    const bad = parsed.map(([, value]) => value).find((value) => typeof value === "string");
    if (typeof bad === "string") return setProblem(bad);
    setProblem(null);
    onSave(Object.fromEntries(parsed) as Limits);
  };
  return (
    <form aria-label={name} onSubmit={submit} className="flex flex-wrap items-end gap-3 text-sm">
      {LIMITS.map(({ key, label }) => (
        <label key={key} className="flex w-40 flex-col gap-1">
          {label}: days to keep
          <input
            className={inputClass}
            inputMode="numeric"
            placeholder={emptyMeans}
            value={days[key]}
            disabled={!canEdit}
            onChange={(e) => setDays((prev) => ({ ...prev, [key]: e.target.value }))}
          />
        </label>
      ))}
      {canEdit ? (
        <button type="submit" className={buttonClass("primary")} disabled={busy}>
          Save
        </button>
      ) : null}
      {problem ? (
        <p role="alert" className="w-full text-red-700 dark:text-red-400">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
