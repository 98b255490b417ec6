// `pipebook backfill create|ls|show|cancel`: a deployment's runs for every slot of one of its
// schedules between two dates (or for a list of parameter sets), at most N in flight.
import {
  BackfillDetailSchema,
  BackfillPreviewSchema,
  BackfillSchema,
  ListBackfillsResponseSchema,
  type BackfillView,
} from "../../contract/api-v1.ts";
import { isFinalFlowRunState, type FlowRunState } from "../../contract/run-states.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";
import { parseTimeArg } from "../time-arg.ts";
import { findDeployment } from "./run.ts";

// How often --watch asks for the progress: slots of a backfill take seconds at the least.
const WATCH_EVERY_MS = 1_000;

/** "12/24 ended (Completed 10, Failed 2), 3 in flight, 9 to create". */
export function progressLine(b: BackfillView): string {
  const ended = Object.entries(b.counts.byState)
    .filter(([state, n]) => n > 0 && isFinalFlowRunState(state as FlowRunState))
    .map(([state, n]) => `${state} ${n}`);
  return `${b.state}: ${b.ended}/${b.total} ended${ended.length ? ` (${ended.join(", ")})` : ""}, ${b.counts.active} in flight, ${b.counts.notCreated} to create`;
}

function parseSets(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value;
  } catch {
    // Said below.
  }
  throw new CliError(
    `--parameter-sets must be a JSON list of objects, e.g. '[{"day": "2026-11-01"}, {"day": "2026-11-02"}]'`,
  );
}

async function watch(api: ApiClient, id: string): Promise<number> {
  let last = "";
  for (;;) {
    const result = await api.request(`/api/v1/backfills/${id}`, BackfillDetailSchema);
    if (!result.ok) throw new CliError(`could not read the backfill: ${result.error}`);
    const line = progressLine(result.data);
    if (line !== last) say(line);
    last = line;
    if (result.data.state !== "Running") {
      const failed = result.data.counts.byState.Failed + result.data.counts.byState.Crashed;
      return result.data.state === "Completed" && failed === 0 ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
  }
}

export const backfillCreateCommand = defineCommand({
  name: "backfill create",
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "run a deployment for every slot of a schedule between two dates",
  help: `Creates a run of DEPLOYMENT (FLOW/NAME, an id, or a name only one deployment has) for every
slot of its schedule --schedule from --from to --to (both included; at most 10,000 slots), or
one per parameter set. At most --max-in-flight of its runs are unfinished at once; the next is
created as one ends. Each run's scheduled time (PIPEBOOK_SCHEDULED_AT) is its slot.

Examples:
  pipebook backfill create etl/daily --schedule ID --from 2026-11-01 --to 2026-11-02 --max-in-flight 3 --watch
  pipebook backfill create etl/daily --parameter-sets '[{"day": "2026-11-01"}, {"day": "2026-11-02"}]'

Options:
  --schedule ID         one of the deployment's schedules (\`pipebook schedule ls DEPLOYMENT\`)
  --from TIME           the first slot at or after this: a date/time (2026-11-01 is midnight UTC,
                        2026-11-01T06:00 local time, or with a zone) or a span back from now (7d)
  --to TIME             the last slot at or before this (the same forms; 0s is now)
  --parameter-sets JSON instead of a schedule: a JSON list of parameter objects, one run each
  --max-in-flight N     at most N runs unfinished at once (1 to 100, default 1)
  --preview             print how many runs and the first slots, and create nothing
  --watch               print its progress until it ends (exit 1 if a run failed or it was cancelled)`,
  options: {
    schedule: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    "parameter-sets": { type: "string" },
    "max-in-flight": { type: "string", default: "1" },
    preview: { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
  },
  async run({ api, values, positionals }) {
    const maxInFlight = values["max-in-flight"];
    if (!/^\d{1,3}$/.test(maxInFlight) || +maxInFlight < 1 || +maxInFlight > 100) {
      throw new CliError(
        `--max-in-flight must be a whole number from 1 to 100 (got "${maxInFlight}")`,
      );
    }
    const deployment = await findDeployment(api(), positionals[0]!);
    const body = {
      ...(values.schedule !== undefined ? { scheduleId: values.schedule } : {}),
      ...(values.from !== undefined
        ? { from: parseTimeArg(values.from, "--from").toISOString() }
        : {}),
      ...(values.to !== undefined ? { to: parseTimeArg(values.to, "--to").toISOString() } : {}),
      ...(values["parameter-sets"] !== undefined
        ? { parameterSets: parseSets(values["parameter-sets"]) }
        : {}),
      maxInFlight: Number(maxInFlight),
    };
    if (values.preview) {
      const result = await api().post("/api/v1/backfills/preview", BackfillPreviewSchema, {
        deploymentId: deployment.id,
        ...body,
      });
      if (!result.ok) throw new CliError(`could not preview the backfill: ${result.error}`);
      if (values.json) return sayJson(result.data);
      say(`${result.data.description}; the first:`);
      result.data.firstSlots.forEach((t, i) => say(`  ${result.data.firstSlotsLocal[i]}   ${t}`));
      return;
    }
    const result = await api().post(
      `/api/v1/deployments/${deployment.id}/backfills`,
      BackfillSchema,
      body,
    );
    if (!result.ok) throw new CliError(`could not create the backfill: ${result.error}`);
    if (values.json && !values.watch) return sayJson(result.data);
    say(
      `Backfill ${result.data.id} of ${deployment.flow}/${deployment.name}: ${result.data.description}, at most ${result.data.maxInFlight} in flight`,
    );
    if (values.watch) return watch(api(), result.data.id);
  },
});

export const backfillLsCommand = defineCommand({
  name: "backfill ls",
  aliases: ["backfills", "backfill list"],
  operands: "[DEPLOYMENT]",
  arity: { min: 0, max: 1 },
  summary: "list backfills (of a deployment) with their progress",
  help: "Lists the latest 100 backfills, newest first, or those of DEPLOYMENT: id, deployment, what it runs, state and progress.",
  options: {},
  async run({ api, values, positionals }) {
    const deployment = positionals[0] ? await findDeployment(api(), positionals[0]) : null;
    const result = await api().request("/api/v1/backfills", ListBackfillsResponseSchema, {
      query: deployment ? { deploymentId: deployment.id } : {},
    });
    if (!result.ok) throw new CliError(`could not list the backfills: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.backfills.length) return say("No backfills.");
    say(
      table(
        ["ID", "DEPLOYMENT", "RUNS", "STATE", "ENDED", "IN FLIGHT"],
        result.data.backfills.map((b) => [
          b.id,
          b.deployment,
          b.description,
          b.state,
          `${b.ended}/${b.total}`,
          `${b.counts.active}/${b.maxInFlight}`,
        ]),
      ),
    );
  },
});

export const backfillShowCommand = defineCommand({
  name: "backfill show",
  operands: "BACKFILL_ID",
  arity: { min: 1, max: 1 },
  summary: "show a backfill's progress and its runs",
  help: "Shows the backfill BACKFILL_ID: its state, its runs counted by state, and each run by slot.",
  options: {},
  async run({ api, values, positionals }) {
    const id = encodeURIComponent(positionals[0]!);
    const result = await api().request(`/api/v1/backfills/${id}`, BackfillDetailSchema);
    if (!result.ok) throw new CliError(`could not read the backfill: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const b = result.data;
    say(
      `Backfill ${b.id} of ${b.deployment}: ${b.description}, at most ${b.maxInFlight} in flight`,
    );
    say(progressLine(b));
    if (b.stateMessage) say(b.stateMessage);
    if (b.runs.length) {
      say(
        table(
          ["SLOT", "SCHEDULED", "STATE", "RUN"],
          b.runs.map((r) => [String(r.slot + 1), r.scheduledAt, r.state, r.id]),
        ),
      );
    }
  },
});

export const backfillCancelCommand = defineCommand({
  name: "backfill cancel",
  operands: "BACKFILL_ID",
  arity: { min: 1, max: 1 },
  summary: "cancel a backfill (waiting runs are cancelled, running ones finish)",
  help: "Cancels the backfill BACKFILL_ID: it creates no more runs, its runs no agent took yet are cancelled, and runs under way finish.",
  options: {},
  async run({ api, values, positionals }) {
    const id = encodeURIComponent(positionals[0]!);
    const result = await api().post(`/api/v1/backfills/${id}/cancel`, BackfillSchema, {});
    if (!result.ok) throw new CliError(`could not cancel the backfill: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(`Cancelled backfill ${result.data.id}: ${progressLine(result.data)}`);
  },
});
