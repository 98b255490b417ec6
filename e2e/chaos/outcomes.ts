// What the chaos test checks of each run once it is final: from its state history and its
// stored log lines, what went wrong (problems) and what happened to it (taken over, re-attached).
import type { LogLine, RunEvent } from "./chaos-api.ts";

export type RunOutcome = { problems: string[]; takenOver: boolean; reattached: boolean };

type Process = { numbers: number[]; firstAt: number; lastAt: number };

/** The "count" task's lines grouped by the process that printed them (its token). */
function processes(lines: LogLine[]): Process[] {
  const byToken = new Map<string, Process>();
  for (const line of lines) {
    const match = /^([0-9a-f]{8}) line (\d+)$/.exec(line.message);
    if (line.task !== "count" || !match) continue;
    const at = Date.parse(line.timestamp);
    const entry = byToken.get(match[1]!) ?? { numbers: [], firstAt: at, lastAt: at };
    entry.numbers.push(Number(match[2]));
    entry.firstAt = Math.min(entry.firstAt, at);
    entry.lastAt = Math.max(entry.lastAt, at);
    byToken.set(match[1]!, entry);
  }
  return [...byToken.values()];
}

/**
 * `expected.cutAt`: when the agent holding the run lost its network, if it did. A run taken over
 * while its agent was cut off must still have every line that agent's task printed up to the
 * takeover: the late agent delivers them when it comes back.
 */
export function runOutcome(
  id: string,
  state: string,
  events: RunEvent[],
  lines: LogLine[],
  expected: { lines: number; cutAt?: number },
): RunOutcome {
  const problems: string[] = [];
  const problem = (what: string) => problems.push(`run ${id} (${state}): ${what}`);
  const completions = (task: string | null) =>
    events.filter((e) => e.task === task && e.to === "Completed").length;
  if (completions(null) > 1) problem(`Completed ${completions(null)} times`);
  for (const task of ["count", "after"]) {
    if (completions(task) > 1) problem(`task ${task} Completed ${completions(task)} times`);
  }

  const printed = processes(lines);
  for (const p of printed) {
    const sorted = [...p.numbers].sort((a, b) => a - b);
    const once = sorted.every((n, i) => n === i);
    if (!once) problem(`a process's lines are not 0..n once each: ${sorted.join(",")}`);
  }
  if (state === "Completed" && !printed.some((p) => p.numbers.length === expected.lines)) {
    problem(`no process's ${expected.lines} lines are all stored`);
  }

  const crashes = events.filter((e) => e.task === null && e.to === "Crashed");
  const takenOver = crashes.length > 0 && state === "Completed";
  if (expected.cutAt !== undefined) {
    for (const crash of crashes) {
      const crashedAt = Date.parse(crash.at);
      if (crashedAt < expected.cutAt) continue;
      // The cut-off agent's process: started before the cut, still printing at it.
      const late = printed.filter(
        (p) => p.firstAt < expected.cutAt! && p.lastAt >= expected.cutAt! - 1_000,
      );
      for (const p of late) {
        if (p.numbers.length < expected.lines && p.lastAt < crashedAt) {
          problem(
            `the cut-off agent's lines stop at ${new Date(p.lastAt).toISOString()}, before the takeover at ${crash.at}`,
          );
        }
      }
    }
  }
  const reattached = expected.cutAt !== undefined && state === "Completed" && crashes.length === 0;
  return { problems, takenOver, reattached };
}
