// `pipebook limit ls|set TAG N|rm TAG`: tag concurrency limits, which hold across every
// deployment and work queue carrying the tag.
import { ConcurrencyLimitsSchema, type ConcurrencyLimits } from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { parseLimit } from "../limit-value.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

function printLimits(limits: ConcurrencyLimits) {
  const rows = [
    ...limits.tags.map((t) => ["tag", t.tag, `${t.inUse}/${t.limit}`, String(t.waiting)]),
    ...limits.workQueues.map((q) => ["work queue", q.name, `${q.inUse}/${q.limit}`, "-"]),
    ...limits.deployments.map((d) => ["deployment", d.name, `${d.inUse}/${d.limit}`, "-"]),
  ];
  if (!rows.length) return say("No concurrency limits: set one with `pipebook limit set TAG N`.");
  say(table(["KIND", "NAME", "IN USE", "WAITING"], rows));
}

async function send(api: ApiClient, tag: string, method: "PUT" | "DELETE", limit?: number) {
  const result = await api.request(
    `/api/v1/concurrency-limits/tags/${encodeURIComponent(tag)}`,
    ConcurrencyLimitsSchema,
    { method, ...(limit === undefined ? {} : { body: JSON.stringify({ limit }) }) },
  );
  const verb = method === "PUT" ? "set" : "remove";
  if (!result.ok) throw new CliError(`could not ${verb} the limit of tag ${tag}: ${result.error}`);
  return result.data;
}

export const limitLsCommand = defineCommand({
  name: "limit ls",
  aliases: ["limits", "limit list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list concurrency limits with their slots in use",
  help: `Lists every concurrency limit — of tags, work queues and deployments — with how many of its
slots are in use (runs Pending, Running or Cancelling) and, for tags, how many due runs wait.`,
  options: {},
  async run({ api, values }) {
    const result = await api().request("/api/v1/concurrency-limits", ConcurrencyLimitsSchema);
    if (!result.ok) throw new CliError(`could not list the limits: ${result.error}`);
    if (values.json) return sayJson(result.data);
    printLimits(result.data);
  },
});

export const limitSetCommand = defineCommand({
  name: "limit set",
  operands: "TAG N",
  arity: { min: 2, max: 2 },
  summary: "allow at most N runs carrying TAG at once",
  help: `At most N runs carrying TAG are active at once, across every deployment and work queue. Runs
beyond it wait ("Waiting for a slot of tag TAG") and start as soon as a slot frees. Lowering a
limit stops no run. N = 0 holds every run of the tag.`,
  options: {},
  async run({ api, values, positionals }) {
    const [tag, n] = positionals as [string, string];
    const limits = await send(api(), tag, "PUT", parseLimit("N", n, false)!);
    if (values.json) return sayJson(limits);
    const set = limits.tags.find((t) => t.tag === tag);
    say(`Tag ${tag}: at most ${n} at once (${set?.inUse ?? 0} in use now)`);
  },
});

export const limitRmCommand = defineCommand({
  name: "limit rm",
  aliases: ["limit delete"],
  operands: "TAG",
  arity: { min: 1, max: 1 },
  summary: "remove a tag's concurrency limit",
  help: "Removes TAG's limit: its waiting runs are claimed at once.",
  options: {},
  async run({ api, values, positionals }) {
    const limits = await send(api(), positionals[0]!, "DELETE");
    if (values.json) return sayJson(limits);
    say(`Removed the limit of tag ${positionals[0]}`);
  },
});
