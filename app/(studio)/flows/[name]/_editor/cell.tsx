"use client";
// One notebook cell: the task's name, language and settings above its code, what saving found
// wrong with it, and the output of its last "Run cell" below.
import { useCan } from "@/app/_lib/viewer";
import { Layers, Play, Settings2, Trash2 } from "lucide-react";
import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type Dispatch,
  type KeyboardEvent,
} from "react";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { mapSources } from "@/contract/flow-file/mapping";
import { LANGUAGES, TASK_NAME_PATTERN, type Language } from "@/contract/flow-file/schema";
import { inputClass } from "@/app/_components/dialog";
import { CellOutput } from "./cell-output";
import { CodeEditor, type CodeEditorHandle } from "./code-editor";
import type { DraftAction, DraftTask } from "./draft";
import { CacheSettings } from "./cache-settings";
import { MapSettings } from "./map-settings";

export type CellProps = {
  task: DraftTask;
  index: number;
  issues: readonly FlowIssue[];
  /** The flow's parameters: what a task can be mapped over, with its upstream tasks. */
  parameterNames: readonly string[];
  selected: boolean;
  dark: boolean;
  cellRunId: string | null;
  runningCell: boolean;
  nameTaken: (name: string, key: string) => boolean;
  dispatch: Dispatch<DraftAction>;
  onCodeChange: (key: string, code: string) => void;
  onRunCell: (key: string) => void;
  onFocus: (name: string) => void;
  onDelete: (key: string) => void;
  /** Moves the keyboard focus to the cell before (-1) or after (1) this one. */
  onMoveFocus: (key: string, step: 1 | -1) => void;
  /** Changes when this cell is asked to take the focus (null: not asked). */
  focusRequest: number | null;
};

export const Cell = memo(function Cell({
  task,
  index,
  issues,
  parameterNames,
  selected,
  dark,
  cellRunId,
  runningCell,
  nameTaken,
  dispatch,
  onCodeChange,
  onRunCell,
  onFocus,
  onDelete,
  onMoveFocus,
  focusRequest,
}: CellProps) {
  // What is typed in the name field while it differs from the task's name (a half-typed or
  // taken name is shown, not committed).
  const [editing, setEditing] = useState<string | null>(null);
  const name = editing ?? task.name;
  const [showSettings, setShowSettings] = useState(false);
  const canEdit = useCan("edit");

  const nameProblem = !TASK_NAME_PATTERN.test(name)
    ? "use lowercase letters, digits and _ , starting with a letter (e.g. get_stars)"
    : name !== task.name && nameTaken(name, task.key)
      ? `another task is already named ${name}`
      : null;

  function rename(value: string) {
    setEditing(value);
    // Committed only when valid, so dependents never point at a half-typed name.
    if (TASK_NAME_PATTERN.test(value) && !nameTaken(value, task.key)) {
      dispatch({ type: "rename-task", key: task.key, name: value });
    }
  }

  const update = (patch: Partial<DraftTask>) =>
    dispatch({ type: "update-task", key: task.key, patch });
  // Stable across keystrokes, so the code editor is not re-rendered by the typing it reports.
  const key = task.key;
  const taskName = task.name;
  const onEditorChange = useCallback(
    (code: string) => onCodeChange(key, code),
    [onCodeChange, key],
  );
  const onEditorRunCell = useCallback(() => onRunCell(key), [onRunCell, key]);
  const onEditorFocus = useCallback(() => onFocus(taskName), [onFocus, taskName]);

  // Keyboard first, as in Jupyter: Escape in the code leaves it for the cell; on a cell, ↑/↓
  // (or k/j) move to the cell before/after, Enter goes into its code, Shift+Enter runs it.
  const sectionRef = useRef<HTMLElement>(null);
  const editor = useRef<CodeEditorHandle>(null);
  const onEditorEscape = useCallback(() => sectionRef.current?.focus(), []);
  useEffect(() => {
    if (focusRequest !== null) sectionRef.current?.focus();
  }, [focusRequest]);
  const onCellKey = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => onMoveFocus(key, 1),
      j: () => onMoveFocus(key, 1),
      ArrowUp: () => onMoveFocus(key, -1),
      k: () => onMoveFocus(key, -1),
      Enter: () => (event.shiftKey ? onRunCell(key) : editor.current?.focus()),
    };
    const action = keys[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    action();
  };

  return (
    <section
      ref={sectionRef}
      tabIndex={-1}
      onKeyDown={onCellKey}
      aria-label={`Task ${task.name}`}
      data-task={task.name}
      className={`rounded-lg border bg-white outline-offset-2 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:bg-zinc-900 ${
        selected
          ? "border-indigo-500 ring-1 ring-indigo-500"
          : "border-zinc-200 dark:border-zinc-800"
      }`}
      onFocusCapture={() => onFocus(task.name)}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-3 py-2 dark:border-zinc-800">
        <span className="w-7 text-right font-mono text-xs text-zinc-400">[{index + 1}]</span>
        <input
          aria-label="Task name"
          value={name}
          onChange={(e) => rename(e.target.value)}
          onBlur={() => setEditing(null)}
          spellCheck={false}
          aria-invalid={nameProblem ? true : undefined}
          className={`${inputClass} !w-48 font-mono`}
        />
        <select
          aria-label="Language"
          value={task.language}
          onChange={(e) =>
            dispatch({ type: "set-language", key: task.key, language: e.target.value as Language })
          }
          className={`${inputClass} !w-32`}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        {task.dependsOn.length ? (
          <span className="text-xs text-zinc-500" data-testid="depends-on">
            after {task.dependsOn.join(", ")}
          </span>
        ) : null}
        {task.map !== undefined ? (
          <button
            type="button"
            onClick={() => setShowSettings(true)}
            title="Runs once per item of the list (map settings)"
            data-testid="mapped-over"
            className="inline-flex items-center gap-1 rounded-full bg-indigo-50 px-2 py-0.5 text-xs text-indigo-800 hover:bg-indigo-100 dark:bg-indigo-950 dark:text-indigo-200"
          >
            <Layers className="size-3" aria-hidden />
            map over <span className="font-mono">{mapSources(task).join(" × ")}</span>
          </button>
        ) : null}
        <div className="ml-auto flex items-center gap-1">
          {canEdit ? (
            <button
              type="button"
              onClick={() => onRunCell(task.key)}
              disabled={runningCell}
              title="Run this task with its upstream results (Shift+Enter)"
              className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
            >
              <Play className="size-3.5" aria-hidden />
              Run cell
            </button>
          ) : null}
          <button
            type="button"
            aria-label={`Settings of ${task.name}`}
            aria-expanded={showSettings}
            onClick={() => setShowSettings((s) => !s)}
            className="rounded p-1 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
          >
            <Settings2 className="size-4" aria-hidden />
          </button>
          {canEdit ? (
            <button
              type="button"
              aria-label={`Delete task ${task.name}`}
              onClick={() => onDelete(task.key)}
              className="rounded p-1 text-zinc-500 hover:bg-red-50 hover:text-red-600 dark:hover:bg-red-950"
            >
              <Trash2 className="size-4" aria-hidden />
            </button>
          ) : null}
        </div>
        {nameProblem ? (
          <p role="alert" className="w-full pl-9 text-xs text-red-600">
            Task name {nameProblem}
          </p>
        ) : null}
      </header>
      {showSettings ? (
        <TaskSettings task={task} parameterNames={parameterNames} update={update} />
      ) : null}
      {issues.length ? (
        <ul
          className="border-b border-red-200 bg-red-50 px-3 py-2 text-xs text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
          role="alert"
          aria-label={`Problems in ${task.name}`}
        >
          {issues.map((issue, i) => (
            <li key={i}>
              {issue.message}
              {issue.codeLocation ? ` (line ${issue.codeLocation.line})` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      <CodeEditor
        taskKey={task.key}
        language={task.language}
        defaultValue={task.code}
        issues={issues}
        dark={dark}
        onChange={onEditorChange}
        onRunCell={onEditorRunCell}
        onFocus={onEditorFocus}
        onEscape={onEditorEscape}
        handle={editor}
      />
      {cellRunId ? <CellOutput runId={cellRunId} task={task.name} /> : null}
    </section>
  );
});

function TaskSettings({
  task,
  parameterNames,
  update,
}: {
  task: DraftTask;
  parameterNames: readonly string[];
  update: (patch: Partial<DraftTask>) => void;
}) {
  const num = (text: string): number | undefined => (text.trim() === "" ? undefined : Number(text));
  const delay = Array.isArray(task.retryDelaySeconds)
    ? task.retryDelaySeconds.join(", ")
    : String(task.retryDelaySeconds);
  return (
    <div className="grid grid-cols-2 gap-3 border-b border-zinc-100 px-3 py-3 text-xs sm:grid-cols-3 dark:border-zinc-800">
      <label className="flex flex-col gap-1">
        Retries
        <input
          type="number"
          min={0}
          max={100}
          className={inputClass}
          value={task.retries}
          onChange={(e) => update({ retries: Math.max(0, Math.trunc(num(e.target.value) ?? 0)) })}
        />
      </label>
      <label className="flex flex-col gap-1">
        Retry delay (s, or a list)
        <input
          className={inputClass}
          defaultValue={delay}
          onChange={(e) => {
            const parts = e.target.value
              .split(",")
              .map((p) => Number(p.trim()))
              .filter((n) => Number.isFinite(n));
            update({ retryDelaySeconds: parts.length > 1 ? parts : (parts[0] ?? 0) });
          }}
        />
      </label>
      <label className="flex flex-col gap-1">
        Backoff
        <select
          className={inputClass}
          value={task.retryBackoff}
          onChange={(e) => update({ retryBackoff: e.target.value as DraftTask["retryBackoff"] })}
        >
          <option value="none">none</option>
          <option value="exponential">exponential</option>
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Jitter (0–1)
        <input
          type="number"
          step={0.1}
          min={0}
          max={1}
          className={inputClass}
          value={task.retryJitter ?? ""}
          onChange={(e) => update({ retryJitter: num(e.target.value) })}
        />
      </label>
      <label className="flex flex-col gap-1">
        Timeout (s)
        <input
          type="number"
          min={0}
          className={inputClass}
          value={task.timeoutSeconds ?? ""}
          onChange={(e) => update({ timeoutSeconds: num(e.target.value) })}
        />
      </label>
      <CacheSettings task={task} update={update} />
      <NamesField
        label="Secrets it reads"
        placeholder="GITHUB_TOKEN, …"
        names={task.secrets}
        onChange={(secrets) => update({ secrets })}
      />
      <NamesField
        label="Variables it reads"
        placeholder="REGION, …"
        names={task.variables}
        onChange={(variables) => update({ variables })}
      />
      <MapSettings task={task} parameterNames={parameterNames} update={update} />
    </div>
  );
}

/** A task's declared secrets or variables, typed comma-separated (checked when the flow saves). */
function NamesField({
  label,
  placeholder,
  names,
  onChange,
}: {
  label: string;
  placeholder: string;
  names: readonly string[] | undefined;
  onChange: (names: string[] | undefined) => void;
}) {
  return (
    <label className="flex flex-col gap-1">
      {label}
      <input
        className={`${inputClass} font-mono`}
        placeholder={placeholder}
        defaultValue={(names ?? []).join(", ")}
        onChange={(e) => {
          const list = e.target.value
            .split(",")
            .map((n) => n.trim())
            .filter(Boolean);
          onChange(list.length ? list : undefined);
        }}
      />
    </label>
  );
}
