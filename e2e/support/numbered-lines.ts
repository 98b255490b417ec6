// A task that numbers the lines it prints, each line tagged with a token of its process, and
// the count of what was stored: whose lines, which numbers — so a test sees a line lost or
// stored twice, per process, through crashes and takeovers.
import type { APIRequestContext } from "@playwright/test";
import { allLogs } from "./agents.ts";

/** A Python task "count" printing `lines` numbered lines, one every `everySeconds`. */
export const numbered = (lines: number, everySeconds: number) => ({
  name: "count",
  language: "python",
  code: `import os, time\ndef main():\n    me = os.urandom(4).hex()\n    for i in range(${lines}):\n        print(f'{me} line {i}', flush=True)\n        time.sleep(${everySeconds})\n    return ${lines}\n`,
});

export type ProcessLines = { numbers: number[]; lastAt: number };

/** The run's lines of the task, grouped by the process that printed them: token → numbers. */
export async function linesByProcess(api: APIRequestContext, id: string) {
  const byProcess = new Map<string, ProcessLines>();
  for (const line of await allLogs(api, id)) {
    const match = /^([0-9a-f]{8}) line (\d+)$/.exec(line.message);
    if (line.task !== "count" || !match) continue;
    const entry = byProcess.get(match[1]!) ?? { numbers: [], lastAt: 0 };
    entry.numbers.push(Number(match[2]));
    entry.lastAt = Math.max(entry.lastAt, Date.parse(line.timestamp));
    byProcess.set(match[1]!, entry);
  }
  return byProcess;
}

export const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
