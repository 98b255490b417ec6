"use client";
// The runs page's filters: state chips with their counts, flow and deployment pickers, tags, and
// the time window. Every change goes to the URL (the page reads its filters from there only).
import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useState } from "react";
import { inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import type { FlowRunStateCounts } from "@/contract/api-v1";
import { FLOW_RUN_DISPLAY_STATES, type FlowRunDisplayState } from "@/contract/run-states";
import { TimeRange } from "./time-range";
import type { RunsView } from "./runs-url";

const selectClass = `${inputClass} w-auto max-w-56`;

export function FilterBar({
  view,
  counts,
  onChange,
}: {
  view: RunsView;
  counts: FlowRunStateCounts | null;
  onChange: (view: RunsView) => void;
}) {
  const toggle = (state: FlowRunDisplayState) =>
    onChange({
      ...view,
      states: view.states.includes(state)
        ? view.states.filter((s) => s !== state)
        : FLOW_RUN_DISPLAY_STATES.filter((s) => s === state || view.states.includes(s)),
    });
  return (
    <div className="flex shrink-0 flex-col gap-3 border-b border-zinc-200 px-8 py-3 dark:border-zinc-800">
      <div role="group" aria-label="States" className="flex flex-wrap gap-1.5">
        {FLOW_RUN_DISPLAY_STATES.map((state) => {
          const on = view.states.includes(state);
          const count = counts?.[state];
          return (
            <button
              key={state}
              type="button"
              aria-pressed={on}
              data-chip={state}
              onClick={() => toggle(state)}
              className={`rounded-full border px-2.5 py-0.5 text-xs font-medium tabular-nums ${
                on
                  ? "border-indigo-500 bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
                  : count
                    ? "border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                    : "border-zinc-200 text-zinc-400 dark:border-zinc-800 dark:text-zinc-600"
              }`}
            >
              {state} <span className="opacity-70">{count ?? "…"}</span>
            </button>
          );
        })}
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <FlowPicker view={view} onChange={onChange} />
        <DeploymentPicker view={view} onChange={onChange} />
        <TagInput view={view} onChange={onChange} />
        {/* A new window from the URL (Back, Forward) starts the control afresh. */}
        <TimeRange
          key={`${view.since}|${view.from}|${view.until}`}
          view={view}
          onChange={onChange}
        />
      </div>
    </div>
  );
}

function FlowPicker({ view, onChange }: { view: RunsView; onChange: (v: RunsView) => void }) {
  const trpc = useTRPC();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const names = flows.data?.map((f) => f.name) ?? [];
  if (view.flow && !names.includes(view.flow)) names.unshift(view.flow);
  return (
    <select
      aria-label="Flow"
      className={selectClass}
      value={view.flow ?? ""}
      onChange={(e) => onChange({ ...view, flow: e.target.value || undefined })}
    >
      <option value="">All flows</option>
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </select>
  );
}

function DeploymentPicker({ view, onChange }: { view: RunsView; onChange: (v: RunsView) => void }) {
  const trpc = useTRPC();
  const deployments = useQuery(trpc.deployments.list.queryOptions({ flow: view.flow }));
  const options = (deployments.data ?? []).map((d) => ({ id: d.id, label: `${d.flow}/${d.name}` }));
  if (view.deployment && !options.some((o) => o.id === view.deployment)) {
    options.unshift({ id: view.deployment, label: view.deployment });
  }
  return (
    <select
      aria-label="Deployment"
      className={selectClass}
      value={view.deployment ?? ""}
      onChange={(e) => onChange({ ...view, deployment: e.target.value || undefined })}
    >
      <option value="">All deployments</option>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function TagInput({ view, onChange }: { view: RunsView; onChange: (v: RunsView) => void }) {
  const [text, setText] = useState("");
  const add = () => {
    const tags = text
      .split(/[\s,]+/)
      .map((t) => t.trim())
      .filter(Boolean);
    setText("");
    if (tags.length) onChange({ ...view, tags: [...new Set([...view.tags, ...tags])] });
  };
  return (
    <div className="flex items-center gap-1">
      {view.tags.map((tag) => (
        <span
          key={tag}
          data-tag-filter={tag}
          className="inline-flex items-center gap-0.5 rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800"
        >
          {tag}
          <button
            type="button"
            aria-label={`Remove tag ${tag}`}
            onClick={() => onChange({ ...view, tags: view.tags.filter((t) => t !== tag) })}
          >
            <X className="size-3" aria-hidden />
          </button>
        </span>
      ))}
      <input
        aria-label="Tag"
        placeholder="tag, Enter"
        className={`${inputClass} w-28`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add();
          }
        }}
        onBlur={add}
      />
    </div>
  );
}
