// `pipebook retention show|set|run`: how long logs, results and artifacts are kept (globally, or for one
// deployment over the global limits), and a retention pass on demand.
import { RetentionSchema, type RetentionView } from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";
import { findDeployment } from "./run.ts";

const days = (n: number | null, empty: string) => (n === null ? empty : `${n} d`);

function printRetention(view: RetentionView) {
  const rows = [
    [
      "(global)",
      days(view.global.logsDays, "forever"),
      days(view.global.resultsDays, "forever"),
      days(view.global.artifactsDays, "forever"),
    ],
    ...view.deployments.map((d) => [
      `${d.flow}/${d.deployment}`,
      days(d.logsDays, "as global"),
      days(d.resultsDays, "as global"),
      days(d.artifactsDays, "as global"),
    ]),
  ];
  say(table(["SCOPE", "LOGS", "RESULTS", "ARTIFACTS"], rows));
  const pass = view.lastPass;
  say(
    !pass
      ? "Last pass: none yet"
      : pass.endedAt === null
        ? `Last pass: under way since ${pass.startedAt}`
        : `Last pass: ${pass.endedAt}, deleted ${pass.logLinesDeleted} log line(s) and ${pass.resultsDeleted} result(s); ${pass.artifactsDeleted} artifact(s)${pass.error ? `; failed: ${pass.error}` : ""}`,
  );
}

/** N days, or a word for null: "forever" (global) / "global" (a deployment's own limit). */
function parseDays(option: string, value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "forever" || value === "global") return null;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 36_500) {
    throw new CliError(
      `--${option} ${JSON.stringify(value)}: give whole days from 1 to 36500, or "forever" (global) / "global" (a deployment follows the global limit)`,
    );
  }
  return n;
}

async function send(api: ApiClient, path: string, method: "PUT" | "POST", body?: object) {
  const result = await api.request(path, RetentionSchema, {
    method,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!result.ok) throw new CliError(result.error);
  return result.data;
}

export const retentionShowCommand = defineCommand({
  name: "retention show",
  aliases: ["retention", "retention ls"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "show how long logs, results and artifacts are kept, and the last retention pass",
  help: `Shows the global retention limits, deployments' own limits and the last pass.`,
  options: {},
  async run({ api, values }) {
    const result = await api().request("/api/v1/retention", RetentionSchema);
    if (!result.ok) throw new CliError(`could not read retention: ${result.error}`);
    if (values.json) return sayJson(result.data);
    printRetention(result.data);
  },
});

export const retentionSetCommand = defineCommand({
  name: "retention set",
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "set how many days logs, results and artifacts are kept (admins)",
  help: `Sets retention limits: globally, or with --deployment for one deployment (its own limits win).

Options:
  --logs-days N|forever     a finished run's log lines go N days after it ended
  --results-days N|forever  task results go N days after they were made — never one that a live
                            cache entry still answers with, nor one of a run in progress
  --artifacts-days N|forever  artifacts (and their stored files) go N days after they were
                            uploaded, once their run has ended
  --deployment DEPLOYMENT   FLOW/NAME or id: this deployment's own limits ("global" instead of N:
                            follow the global limit)
An option left out stays as it is. An hourly pass deletes; "pipebook retention run" runs one now.`,
  options: {
    "logs-days": { type: "string" },
    "results-days": { type: "string" },
    "artifacts-days": { type: "string" },
    deployment: { type: "string" },
  },
  async run({ api, values }) {
    const change = {
      logsDays: parseDays("logs-days", values["logs-days"]),
      resultsDays: parseDays("results-days", values["results-days"]),
      artifactsDays: parseDays("artifacts-days", values["artifacts-days"]),
    };
    if (Object.values(change).every((v) => v === undefined)) {
      throw new CliError(
        "say what to keep: --logs-days N, --results-days N and/or --artifacts-days N",
      );
    }
    const client = api();
    const path = values.deployment
      ? `/api/v1/deployments/${(await findDeployment(client, values.deployment)).id}/retention`
      : "/api/v1/retention";
    const view = await send(client, path, "PUT", change);
    if (values.json) return sayJson(view);
    printRetention(view);
  },
});

export const retentionRunCommand = defineCommand({
  name: "retention run",
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "run a retention pass now (admins)",
  help: "Deletes what the limits say is old now, and prints what the pass deleted.",
  options: {},
  async run({ api, values }) {
    const view = await send(api(), "/api/v1/retention/passes", "POST");
    if (values.json) return sayJson(view);
    printRetention(view);
  },
});
