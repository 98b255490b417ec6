// `pipebook work-queue set QUEUE --priority N --limit N|none --description TEXT`.
import { WorkQueueSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { parseLimit } from "../limit-value.ts";
import { CliError, say, sayJson } from "../output.ts";

export const workQueueSetCommand = defineCommand({
  name: "work-queue set",
  operands: "QUEUE",
  arity: { min: 1, max: 1 },
  summary: "change a work queue's priority, concurrency limit or description",
  help: `Options:
  --priority N         an agent serving several queues claims from the lowest number first (1–10000)
  --limit N|none       at most N of the queue's runs active at once; "none" removes the limit
  --description TEXT   what the queue is for`,
  options: {
    priority: { type: "string" },
    limit: { type: "string" },
    description: { type: "string" },
  },
  async run({ api, values, positionals }) {
    const change: Record<string, unknown> = {};
    if (values.priority !== undefined) {
      if (!/^\d+$/.test(values.priority)) {
        throw new CliError(`--priority: "${values.priority}" is not a whole number (1–10000)`);
      }
      change.priority = Number(values.priority);
    }
    if (values.limit !== undefined)
      change.concurrencyLimit = parseLimit("--limit", values.limit, true);
    if (values.description !== undefined) change.description = values.description;
    if (!Object.keys(change).length) {
      throw new CliError("give at least one of --priority, --limit, --description");
    }
    const queue = positionals[0]!;
    const result = await api().request(
      `/api/v1/work-queues/${encodeURIComponent(queue)}`,
      WorkQueueSchema,
      { method: "PATCH", body: JSON.stringify(change) },
    );
    if (!result.ok) throw new CliError(`could not change work queue "${queue}": ${result.error}`);
    if (values.json) return sayJson(result.data);
    const q = result.data;
    const limit = q.concurrencyLimit === null ? "no limit" : `limit ${q.concurrencyLimit}`;
    say(`Work queue "${q.name}": priority ${q.priority}, ${limit}`);
  },
});
