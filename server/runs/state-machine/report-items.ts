// The items of mapped tasks in a report batch (report-batch.ts): which rows the batch must read,
// the rows a map event creates, and which row an event moves.
import { randomUUID } from "node:crypto";
import type { MapEvent, ReportEvent, TaskEvent } from "../../../contract/agent-protocol.ts";
import type { TaskRunState } from "../../../contract/run-states.ts";
import { PipebookError } from "../../errors.ts";

export type TaskRow = {
  id: string;
  name: string;
  /** -1 for the task itself, else the item of a mapped task. */
  mapIndex: number;
  position: number;
  state: TaskRunState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  nextAttemptAt: string | null;
  error: unknown;
  changedAt: string | null;
  /** Set on a mapped task's own row by its map event. */
  mapCount?: number;
  /** Set by a Cached event of a cache hit: the task run whose result was reused. */
  cachedFrom?: string;
};

/** An item row the batch creates (its map event): inserted, with whatever else the batch did to it. */
export type NewItem = TaskRow & { inputPreview: string };

export const itemKey = (task: string, index: number) => `${index} ${task}`;

/** The items a batch's events name: the tasks it maps (all their items), and single items. */
export function itemsNamed(events: readonly ReportEvent[]): {
  tasks: string[];
  items: { task: string; item: number }[];
} {
  const tasks = new Set<string>();
  const items: { task: string; item: number }[] = [];
  for (const e of events) {
    if (e.type === "map") tasks.add(e.task);
    else if (e.type === "task" && e.item !== undefined) items.push({ task: e.task, item: e.item });
  }
  return { tasks: [...tasks], items: items.filter((i) => !tasks.has(i.task)) };
}

/**
 * The rows a map event creates: its items that do not exist yet. A resumed run announces its
 * items again; those kept from its earlier attempt stay as they are.
 */
export function announcedItems(
  event: MapEvent,
  task: TaskRow,
  existing: Map<string, TaskRow>,
): NewItem[] {
  const rows: NewItem[] = [];
  event.previews.forEach((preview, k) => {
    const index = event.from + k;
    if (index >= event.count || existing.has(itemKey(event.task, index))) return;
    rows.push({
      id: randomUUID(),
      name: event.task,
      mapIndex: index,
      position: task.position,
      inputPreview: preview,
      state: "Pending",
      attempts: 0,
      startedAt: null,
      endedAt: null,
      nextAttemptAt: null,
      error: null,
      changedAt: event.at,
    });
  });
  return rows;
}

export function taskOf(event: TaskEvent, tasks: Map<string, TaskRow>, items: Map<string, TaskRow>) {
  if (!tasks.has(event.task)) {
    throw new PipebookError(
      "bad_request",
      `report names task "${event.task}", which this run does not have`,
    );
  }
  if (event.item === undefined) return tasks.get(event.task)!;
  const item = items.get(itemKey(event.task, event.item));
  if (!item) {
    throw new PipebookError(
      "bad_request",
      `report names item ${event.item} of task "${event.task}", which no map event announced`,
    );
  }
  return item;
}

export const describe = (event: TaskEvent) =>
  event.item === undefined ? `task "${event.task}"` : `item ${event.item} of task "${event.task}"`;
