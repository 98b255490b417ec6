// While a mapped task's items run, `run --watch` says how far it got — a line each time another
// tenth of its items has ended — instead of one line per item:
//   12:03:04.120  get_stars ×10,000 40% (3,950 done, 50 failed)
// Pure: fed the run as each poll reads it, it answers the lines to print.
import type { FlowRunView } from "../contract/api-v1.ts";
import { clock } from "./output.ts";
import { itemCounts } from "./watch-format.ts";

/** A progress line per this share of a task's items. */
const STEP_PERCENT = 10;

export class MapProgressLines {
  /** Per task: the last share printed (in whole steps). */
  private printed = new Map<string, number>();

  update(run: Pick<FlowRunView, "taskRuns">, now: Date): string[] {
    const lines: string[] = [];
    for (const task of run.taskRuns) {
      const items = task.items;
      if (!items || items.count === 0 || task.state !== "Running") continue;
      const s = items.states;
      const ended = s.Completed + s.Cached + s.Failed + s.Crashed + s.NotRun + s.Cancelled;
      const step = Math.floor((ended / items.count) * (100 / STEP_PERCENT));
      // 100 % is the task's own final line's to say.
      if (step === 0 || ended === items.count || step <= (this.printed.get(task.name) ?? 0)) {
        continue;
      }
      this.printed.set(task.name, step);
      lines.push(
        `${clock(now.toISOString())}  ${task.name} ×${items.count.toLocaleString("en-US")} ${step * STEP_PERCENT}% (${itemCounts(items)})`,
      );
    }
    return lines;
  }
}
