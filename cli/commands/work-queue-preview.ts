// `pipebook work-queue preview QUEUE`: the runs agents will claim next, in claim order.
import { WorkQueuePreviewSchema, type WorkQueuePreview } from "../../contract/api-v1.ts";
import { relativeTime } from "../../contract/relative-time.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";

export const workQueuePreviewCommand = defineCommand({
  name: "work-queue preview",
  operands: "QUEUE",
  arity: { min: 1, max: 1 },
  summary: "the runs agents will claim next from a work queue, in claim order",
  help: `Lists the runs of the work queue that agents will claim next, in exactly the order they claim
them (queue priority, then start time, then creation), then the upcoming runs whose start time
has not come. A run that no online agent would take (none serves the queue, or none carries
its tags) says why.

Options:
  --limit N            how many runs to list (default 20, at most 200)`,
  options: { limit: { type: "string", default: "20" } },
  run: async ({ api, values, positionals }) => {
    const queue = positionals[0]!;
    if (!/^\d+$/.test(values.limit)) {
      throw new CliError(`--limit must be a whole number from 1 to 200 (got "${values.limit}")`);
    }
    const result = await api().request(
      `/api/v1/work-queues/${encodeURIComponent(queue)}/preview`,
      WorkQueuePreviewSchema,
      { query: { limit: values.limit } },
    );
    if (!result.ok) throw new CliError(`could not preview work queue "${queue}": ${result.error}`);
    if (values.json) return sayJson(result.data);
    printPreview(result.data);
  },
});

function printPreview({ workQueue: q, runs, warnings }: WorkQueuePreview) {
  say(
    `Work queue "${q.name}" (priority ${q.priority}${q.concurrencyLimit === null ? "" : `, limit ${q.concurrencyLimit}`}${q.paused ? ", paused" : ""}): ${q.waiting.total} waiting, ${q.waiting.due} due, ${q.running} running; online agents: ${q.agents.map((a) => a.name).join(", ") || "none"}`,
  );
  if (runs.length === 0) {
    say("No runs wait in this queue.");
  } else {
    const now = Date.now();
    say(
      table(
        ["#", "STATE", "SCHEDULED", "FLOW", "DEPLOYMENT", "TAGS", "RUN", "NOTE"],
        runs.map((r) => [
          String(r.position),
          r.state,
          `${r.due ? "" : "not due: "}${relativeTime(r.scheduledAt, now)}`,
          `${r.flow.name} v${r.flow.version}`,
          r.deployment?.name ?? (r.cellTask ? `cell ${r.cellTask}` : ""),
          r.tags.join(","),
          r.id,
          r.waitingFor ?? r.warning ?? "",
        ]),
      ),
    );
    if (q.waiting.total > runs.length) {
      say(`… and ${q.waiting.total - runs.length} more (--limit to list more)`);
    }
  }
  for (const warning of warnings) warn(`Warning: ${warning}`);
}
