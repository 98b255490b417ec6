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
  const [logs, setLogs] = useState(text(initial.logsDays));
  const [results, setResults] = useState(text(initial.resultsDays));
  const [artifacts, setArtifacts] = useState(text(initial.artifactsDays));
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const logsDays = parseDays("Logs", logs);
    const resultsDays = parseDays("Results", results);
    const artifactsDays = parseDays("Artifacts", artifacts);
    const bad = [logsDays, resultsDays, artifactsDays].find((v) => typeof v === "string");
    if (typeof bad === "string") return setProblem(bad);
    setProblem(null);
    onSave({
      logsDays: logsDays as number | null,
      resultsDays: resultsDays as number | null,
      artifactsDays: artifactsDays as number | null,
    });
  };
  return (
    <form aria-label={name} onSubmit={submit} className="flex flex-wrap items-end gap-3 text-sm">
      <label className="flex w-40 flex-col gap-1">
        Logs: days to keep
        <input
          className={inputClass}
          inputMode="numeric"
          placeholder={emptyMeans}
          value={logs}
          disabled={!canEdit}
          onChange={(e) => setLogs(e.target.value)}
        />
      </label>
      <label className="flex w-40 flex-col gap-1">
        Results: days to keep
        <input
          className={inputClass}
          inputMode="numeric"
          placeholder={emptyMeans}
          value={results}
          disabled={!canEdit}
          onChange={(e) => setResults(e.target.value)}
        />
      </label>
      <label className="flex w-40 flex-col gap-1">
        Artifacts: days to keep
        <input
          className={inputClass}
          inputMode="numeric"
          placeholder={emptyMeans}
          value={artifacts}
          disabled={!canEdit}
          onChange={(e) => setArtifacts(e.target.value)}
        />
      </label>
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
