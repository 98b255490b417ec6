"use client";
// The runs page's time window (on the runs' scheduled times): all, a preset ending now, or a
// custom from/until in the browser's time zone.
import { useState } from "react";
import { inputClass } from "@/app/_components/dialog";
import { TIME_PRESETS, type RunsView, type TimePreset } from "./runs-url";

/** "2026-11-30T14:05:09" in local time, for <input type="datetime-local" step="1">. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

export function TimeRange({ view, onChange }: { view: RunsView; onChange: (v: RunsView) => void }) {
  const custom = Boolean(view.from || view.until);
  const [editing, setEditing] = useState(custom);
  const choose = (since: TimePreset | undefined) => {
    setEditing(false);
    onChange({ ...view, since, from: undefined, until: undefined });
  };
  const button = (label: string, on: boolean, onClick: () => void) => (
    <button
      type="button"
      aria-pressed={on}
      onClick={onClick}
      className={`px-2 py-1 text-xs ${on ? "bg-zinc-200 font-medium dark:bg-zinc-700" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
    >
      {label}
    </button>
  );
  return (
    <div className="flex items-center gap-2">
      <div
        role="group"
        aria-label="Time range"
        className="flex divide-x divide-zinc-300 overflow-hidden rounded-md border border-zinc-300 dark:divide-zinc-700 dark:border-zinc-700"
      >
        {button("All", !view.since && !custom && !editing, () => choose(undefined))}
        {(Object.keys(TIME_PRESETS) as TimePreset[]).map((preset) =>
          button(TIME_PRESETS[preset].label, view.since === preset, () => choose(preset)),
        )}
        {button("Custom", custom || editing, () => setEditing(true))}
      </div>
      {custom || editing ? (
        <>
          <label className="flex items-center gap-1 text-xs text-zinc-500">
            From
            <WhenInput
              label="From"
              value={view.from}
              onCommit={(from) => onChange({ ...view, since: undefined, from })}
            />
          </label>
          <label className="flex items-center gap-1 text-xs text-zinc-500">
            Until
            <WhenInput
              label="Until"
              value={view.until}
              onCommit={(until) => onChange({ ...view, since: undefined, until })}
            />
          </label>
        </>
      ) : null}
    </div>
  );
}

/**
 * A date/time that reaches the URL when it is complete (on blur or Enter), not at every digit:
 * each change is a history entry.
 */
function WhenInput({
  label,
  value,
  onCommit,
}: {
  label: string;
  value: string | undefined;
  onCommit: (iso: string | undefined) => void;
}) {
  const commit = (text: string) => {
    if (text !== toLocalInput(value)) onCommit(fromLocalInput(text));
  };
  return (
    <input
      key={value ?? ""}
      type="datetime-local"
      step={1}
      aria-label={label}
      className={`${inputClass} w-auto`}
      defaultValue={toLocalInput(value)}
      onBlur={(e) => commit(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit(e.currentTarget.value);
      }}
    />
  );
}
