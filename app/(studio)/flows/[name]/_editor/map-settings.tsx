"use client";
// A cell's fan-out settings: the lists it is mapped over — picked among the flow's parameters
// and the task's upstream tasks (several are zipped item by item) — how many items run at once,
// and whether a failed item fails the task or the others go on. Unmapping clears the two
// settings that apply only to mapped tasks, so the draft never holds a setting the save refuses.
import { Layers } from "lucide-react";
import { inputClass } from "@/app/_components/dialog";
import { mapSources } from "@/contract/flow-file/mapping";
import type { DraftTask } from "./draft";

type Props = {
  task: DraftTask;
  parameterNames: readonly string[];
  update: (patch: Partial<DraftTask>) => void;
};

/** The `map` field for a list of names: one name alone, several as a list, none: unset. */
function mapOf(names: readonly string[]): DraftTask["map"] {
  if (names.length === 0) return undefined;
  return names.length === 1 ? names[0] : [...names];
}

export function MapSettings({ task, parameterNames, update }: Props) {
  const sources = mapSources(task);
  const mapped = sources.length > 0;
  const choices = [
    ...parameterNames.map((name) => ({ name, kind: "parameter" as const })),
    ...task.dependsOn.map((name) => ({ name, kind: "upstream" as const })),
  ];
  // A name mapped before its parameter or edge went away stays shown, to be taken off.
  const stale = sources.filter((s) => !choices.some((c) => c.name === s));

  const toggle = (name: string) => {
    const next = sources.includes(name) ? sources.filter((s) => s !== name) : [...sources, name];
    update(
      next.length
        ? { map: mapOf(next) }
        : { map: undefined, mapConcurrency: undefined, mapFailure: undefined },
    );
  };

  return (
    <fieldset
      className="col-span-full flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800"
      aria-label={`Map settings of ${task.name}`}
    >
      <legend className="flex items-center gap-1 px-1 font-medium">
        <Layers className="size-3.5" aria-hidden />
        Map over a list
      </legend>
      <p className="text-zinc-500">
        Run the task once per item: each item gets one element of the list under its name, every
        other input whole. Several lists are zipped (equal lengths).
      </p>
      {choices.length === 0 && stale.length === 0 ? (
        <p className="text-zinc-500">
          Nothing to map over yet: add a parameter of type array, or drag an edge from an upstream
          task that returns a list.
        </p>
      ) : (
        <div className="flex flex-wrap gap-1" role="group" aria-label="Lists to map over">
          {choices.map(({ name, kind }) => {
            const on = sources.includes(name);
            return (
              <button
                key={`${kind}:${name}`}
                type="button"
                aria-pressed={on}
                title={
                  kind === "parameter" ? `the parameter ${name}` : `the result of task ${name}`
                }
                onClick={() => toggle(name)}
                className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 font-mono ${
                  on
                    ? "border-indigo-500 bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200"
                    : "border-zinc-300 text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
                }`}
              >
                {on ? <span aria-hidden>×</span> : null}
                {name}
                <span className="font-sans text-[10px] text-zinc-500">
                  {kind === "parameter" ? "param" : "task"}
                </span>
              </button>
            );
          })}
          {stale.map((name) => (
            <button
              key={`stale:${name}`}
              type="button"
              aria-pressed
              title={`${name} is no longer a parameter or an upstream task: click to stop mapping over it`}
              onClick={() => toggle(name)}
              className="inline-flex items-center gap-1 rounded-full border border-red-400 bg-red-50 px-2 py-0.5 font-mono text-red-800 line-through dark:bg-red-950 dark:text-red-200"
            >
              {name}
            </button>
          ))}
        </div>
      )}
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <label className="flex flex-col gap-1">
          Items at once
          <input
            type="number"
            min={1}
            max={1000}
            disabled={!mapped}
            placeholder="agent's limit"
            className={inputClass}
            value={task.mapConcurrency ?? ""}
            onChange={(e) => {
              const n =
                e.target.value.trim() === "" ? undefined : Math.trunc(Number(e.target.value));
              update({ mapConcurrency: n !== undefined && Number.isFinite(n) ? n : undefined });
            }}
          />
        </label>
        <label className="flex flex-col gap-1">
          When an item fails
          <select
            disabled={!mapped}
            className={inputClass}
            value={task.mapFailure ?? "fail"}
            onChange={(e) =>
              update({ mapFailure: e.target.value === "continue" ? "continue" : undefined })
            }
          >
            <option value="fail">fail the task</option>
            <option value="continue">continue with the others</option>
          </select>
        </label>
      </div>
      {task.mapFailure === "continue" ? (
        <p className="text-zinc-500">
          Downstream tasks get the successful items&apos; results and{" "}
          <code className="font-mono">{task.name}_failures</code> (index and error of each failed
          item).
        </p>
      ) : null}
    </fieldset>
  );
}
