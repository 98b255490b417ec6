// `pipebook agent ls`: the agents, online or offline, what they serve and the runs they hold.
import { ListAgentsResponseSchema } from "../../contract/api-v1.ts";
import { relativeTime } from "../../contract/relative-time.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

export const agentLsCommand = defineCommand({
  name: "agent ls",
  aliases: ["agents", "agent list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the agents: online or offline, queues, tags, runs in progress",
  help: `Lists the agents, online ones first. An agent is online while it has not stopped and was
heard from within one lease (15 s by default); each start of an agent process is listed on its
own. RUNS is the runs it holds now out of the runs it takes at once.

Options:
  --all                also agents offline for more than a day (hidden by default)`,
  options: { all: { type: "boolean", default: false } },
  run: async ({ api, values }) => {
    const result = await api().request("/api/v1/agents", ListAgentsResponseSchema, {
      query: { all: values.all ? "true" : undefined },
    });
    if (!result.ok) throw new CliError(`could not list the agents: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { agents, now } = result.data;
    if (agents.length === 0) {
      say(
        `No agents${values.all ? "" : " seen in the last day"}: start one with PIPEBOOK_API_KEY=KEY node pipebook-agent.mjs start --api-url URL --queue QUEUE`,
      );
      return;
    }
    say(
      table(
        ["ID", "NAME", "STATE", "LAST SEEN", "QUEUES", "TAGS", "HOST", "VERSION", "RUNS"],
        agents.map((a) => [
          a.id.slice(0, 8),
          a.name,
          a.state,
          relativeTime(a.lastSeenAt, now),
          a.queues.join(","),
          a.tags.join(","),
          a.hostname,
          a.version,
          `${a.runs.length}/${a.concurrency}`,
        ]),
      ),
    );
    for (const a of agents) {
      for (const run of a.runs) {
        say(
          `  ${a.name} (${a.id.slice(0, 8)}) holds ${run.flow}/${run.deployment ?? "cell"} ${run.id} (${run.state})`,
        );
      }
    }
  },
});
