// `pipebook work-queue ls`: every work queue with its waiting and running runs and online agents.
import { ListWorkQueuesResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

export const workQueueLsCommand = defineCommand({
  name: "work-queue ls",
  aliases: ["work-queues", "work-queue list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the work queues: waiting and running runs, online agents",
  help: `Lists every work queue: its priority (lower is claimed first), concurrency limit, whether it
is paused, its waiting runs (how many are due, how many Late), the runs agents hold, and the
online agents serving it. A queue is made by the first deployment to it.`,
  options: {},
  run: async ({ api, values }) => {
    const result = await api().request("/api/v1/work-queues", ListWorkQueuesResponseSchema);
    if (!result.ok) throw new CliError(`could not list the work queues: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const queues = result.data.workQueues;
    if (queues.length === 0) {
      say("No work queues yet: deploying to a queue makes it (pipebook deploy FILE --queue NAME).");
      return;
    }
    say(
      table(
        ["NAME", "PRIORITY", "LIMIT", "STATE", "WAITING", "DUE", "LATE", "RUNNING", "AGENTS"],
        queues.map((q) => [
          q.name,
          String(q.priority),
          q.concurrencyLimit === null ? "" : String(q.concurrencyLimit),
          q.paused ? "paused" : "active",
          String(q.waiting.total),
          String(q.waiting.due),
          String(q.waiting.late),
          String(q.running),
          q.agents.length ? q.agents.map((a) => a.name).join(", ") : "none online",
        ]),
      ),
    );
  },
});
