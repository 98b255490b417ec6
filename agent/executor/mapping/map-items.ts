// The pure rules of a mapped task's items (../../../contract/flow-file/mapping.ts has the flow
// file's side): which lists it maps over and how long they are, what each item receives, how its
// input is previewed, and what the task as a whole ends as once its items have — its result in
// item order (fan-in), and under `mapFailure: continue` the failures its downstream receives.
import {
  MAX_INPUT_PREVIEW,
  MAX_MAP_ITEMS,
  type ExecutableTask,
  type MapFailure,
  type TaskError,
} from "../../../contract/agent-protocol.ts";
import { mapSources } from "../../../contract/flow-file/mapping.ts";

/** The lists of a mapped task, zipped: `count` items, each source's values by item. */
export type MapLists =
  | { ok: true; count: number; sources: string[]; values: Map<string, readonly unknown[]> }
  | { ok: false; error: TaskError };

/**
 * Reads the lists a task maps over from its inputs. A chained source (a mapped upstream whose
 * items feed this task's items one by one) has no list yet, only its item count, in `chained`.
 */
export function mapLists(
  task: Pick<ExecutableTask, "name" | "map">,
  inputs: Record<string, unknown>,
  chained: ReadonlyMap<string, number> = new Map(),
): MapLists {
  const sources = mapSources(task);
  const values = new Map<string, readonly unknown[]>();
  const lengths: [string, number][] = [];
  for (const source of sources) {
    const count = chained.get(source);
    if (count !== undefined) {
      lengths.push([source, count]);
      continue;
    }
    const value = inputs[source];
    if (!Array.isArray(value)) {
      return failure(
        "MapInputNotAList",
        `task "${task.name}" is mapped over "${source}", which is ${describeValue(value)}, not a list — map over a list (a parameter of type array, or an upstream task that returns one)`,
      );
    }
    values.set(source, value);
    lengths.push([source, value.length]);
  }
  const [first] = lengths;
  const differs = lengths.find(([, n]) => n !== first![1]);
  if (differs) {
    return failure(
      "MapLengthMismatch",
      `task "${task.name}" zips lists of different lengths: "${first![0]}" has ${first![1]} item${first![1] === 1 ? "" : "s"}, "${differs[0]}" has ${differs[1]} — zipped lists must have the same length`,
    );
  }
  const count = first![1];
  if (count > MAX_MAP_ITEMS) {
    return failure(
      "TooManyItems",
      `task "${task.name}" would map ${count} items; a task may map at most ${MAX_MAP_ITEMS} — batch the list (map over chunks of it)`,
    );
  }
  return { ok: true, count, sources, values };
}

/** Item `index`'s inputs: each mapped name bound to its value at `index`, everything else whole. */
export function itemInputs(
  inputs: Record<string, unknown>,
  lists: Extract<MapLists, { ok: true }>,
  index: number,
  chainedResults: ReadonlyMap<string, unknown> = new Map(),
): Record<string, unknown> {
  const out = { ...inputs };
  for (const source of lists.sources) {
    out[source] = chainedResults.has(source)
      ? chainedResults.get(source)
      : (lists.values.get(source)?.[index] ?? null);
  }
  return out;
}

/** What the item list shows of an item's input: its mapped values as JSON, cut short. */
export function inputPreview(lists: Extract<MapLists, { ok: true }>, index: number): string {
  const parts = lists.sources.map((source) => {
    const list = lists.values.get(source);
    return list ? JSON.stringify(list[index] ?? null) : `${source}[${index}]`;
  });
  const text = parts.length === 1 ? parts[0]! : `[${parts.join(", ")}]`;
  return text.length <= MAX_INPUT_PREVIEW ? text : `${text.slice(0, MAX_INPUT_PREVIEW - 1)}…`;
}

/** How one item ended. `skipped`: NotRun because a chained upstream item did not complete. */
export type ItemEnd =
  | { state: "Completed" | "Cached"; result: unknown }
  | { state: "Failed" | "Crashed"; error: TaskError }
  | { state: "Cancelled" }
  | { state: "NotRun"; error: TaskError; skipped: true };

export type MappedTaskEnd =
  | { state: "Completed"; result: unknown[]; failures?: MapFailure[] }
  | { state: "Failed"; error: TaskError }
  | { state: "Cancelled" };

/**
 * The mapped task's end, from its items' ends in item order. Items skipped because a chained
 * upstream item did not complete are left out (the upstream answers for them); failed items
 * fail the task under `fail`, and are handed on as failures under `continue`.
 */
export function fanIn(
  task: Pick<ExecutableTask, "name" | "mapFailure">,
  ends: readonly ItemEnd[],
  previews: (index: number) => string = () => "",
): MappedTaskEnd {
  if (ends.some((e) => e.state === "Cancelled")) return { state: "Cancelled" };
  const result: unknown[] = [];
  const failures: MapFailure[] = [];
  ends.forEach((end, index) => {
    if (end.state === "Completed" || end.state === "Cached") result.push(end.result);
    else if (end.state === "Failed" || end.state === "Crashed") {
      failures.push({ index, error: { type: end.error.type, message: end.error.message } });
    }
  });
  if (task.mapFailure === "continue") return { state: "Completed", result, failures };
  if (failures.length === 0) return { state: "Completed", result };
  const first = failures[0]!;
  const input = previews(first.index);
  const others = failures.length - 1;
  const message = `item ${first.index}${input ? ` (${input})` : ""} of ${ends.length} failed: ${first.error.type}: ${firstLine(first.error.message)}${others ? ` — and ${others} other item${others > 1 ? "s" : ""} failed` : ""}`;
  return {
    state: "Failed",
    error: { type: "ItemFailed", message, item: first.index, failedItems: failures.length },
  };
}

function failure(type: string, message: string): MapLists {
  return { ok: false, error: { type, message } };
}

function describeValue(value: unknown): string {
  if (value === undefined) return "not an input of the task";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  const shown = JSON.stringify(value);
  return `${typeof value === "string" ? "a string" : `a ${typeof value}`} (${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown})`;
}

const firstLine = (text: string) => text.split("\n", 1)[0]!;
