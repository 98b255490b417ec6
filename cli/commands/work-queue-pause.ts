// `pipebook work-queue pause QUEUE` and `resume QUEUE`: agents claim none of a paused queue's runs.
import { WorkQueueSchema } from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";

export async function setPaused(api: ApiClient, queue: string, paused: boolean, json: boolean) {
  const action = paused ? "pause" : "resume";
  const result = await api.request(
    `/api/v1/work-queues/${encodeURIComponent(queue)}/${action}`,
    WorkQueueSchema,
    { method: "POST" },
  );
  if (!result.ok) throw new CliError(`could not ${action} work queue "${queue}": ${result.error}`);
  const q = result.data;
  if (json) return sayJson(q);
  say(
    paused
      ? `Paused work queue "${q.name}": agents claim none of its runs (${q.waiting.total} waiting) until it is resumed; the ${q.running} running go on`
      : `Resumed work queue "${q.name}": agents claim its runs again (${q.waiting.due} due now)`,
  );
}

export const workQueuePauseCommand = defineCommand({
  name: "work-queue pause",
  operands: "QUEUE",
  arity: { min: 1, max: 1 },
  summary: "pause a work queue: agents claim none of its runs until resumed",
  help: `Pauses the work queue: its waiting runs show as Paused and no agent claims them until it is
resumed (pipebook work-queue resume QUEUE). Runs already claimed go on. Pausing a paused queue
changes nothing.`,
  options: {},
  run: ({ api, values, positionals }) => setPaused(api(), positionals[0]!, true, values.json),
});
