// `pipebook trigger add|ls|rm|rotate|firings`: a deployment's webhook and run-completion
// triggers. A webhook's URL is printed once, when it is added or rotated, with a curl example.
import * as z from "zod";
import {
  ListTriggerFiringsResponseSchema,
  ListTriggersResponseSchema,
  TRIGGER_STATES,
  TriggerWithTokenSchema,
  type TriggerView,
  type TriggerWithToken,
} from "../../contract/triggers.ts";
import { defineCommand } from "../command.ts";
import { CliError, clock, say, sayJson } from "../output.ts";
import { table } from "../table.ts";
import { findDeployment } from "./run.ts";

/** "--map count=/n --map region=extract/region" → { count: "/n", region: "extract/region" }. */
export function parseMaps(flags: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) {
      throw new CliError(
        `--map ${flag}: write PARAMETER=SOURCE, e.g. --map count=/body/count (webhook) or --map count=extract/count (completion)`,
      );
    }
    map[flag.slice(0, eq)] = flag.slice(eq + 1);
  }
  return map;
}

function parseStates(text: string | undefined) {
  if (text === undefined) return undefined;
  const states = text.split(",").map((s) => s.trim());
  for (const state of states) {
    if (!(TRIGGER_STATES as readonly string[]).includes(state)) {
      throw new CliError(`--states: "${state}" is not one of ${TRIGGER_STATES.join(", ")}`);
    }
  }
  return states;
}

function sayUrl(created: TriggerWithToken, verb: string) {
  say(
    `${verb} trigger ${created.trigger.id} "${created.trigger.name}": ${created.trigger.description}`,
  );
  if (!created.url) return;
  say(`\nIts URL (shown only now; \`pipebook trigger rotate\` makes a new one):\n  ${created.url}`);
  say(`\nExample:\n  curl -X POST -H 'content-type: application/json' -d '{}' '${created.url}'`);
}

export const triggerAddCommand = defineCommand({
  name: "trigger add",
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "add a webhook or run-completion trigger to a deployment",
  help: `Adds a trigger to DEPLOYMENT (FLOW/NAME, an id, or a name only one deployment has).
Give --webhook, or --on-completion-of ANOTHER_DEPLOYMENT.

Options:
  --webhook                 runs on a POST of JSON to a secret URL (printed once)
  --on-completion-of DEPL   runs when a run of DEPL ends in one of --states
  --states LIST             Completed, Failed, Crashed, Cancelled, comma-separated (default Completed)
  --map PARAM=SOURCE        where a parameter comes from (repeatable). webhook: a JSON pointer into
                            the body ("/repository/name"); completion: "TASK" (its result),
                            "TASK/POINTER" (part of it) or "parameters/NAME". Without --map a
                            webhook's body is the parameters, and a completion passes none
  --name NAME               unique per deployment (default "webhook", or "after-FLOW-NAME")
  --paused                  add it paused`,
  options: {
    webhook: { type: "boolean", default: false },
    "on-completion-of": { type: "string" },
    states: { type: "string" },
    map: { type: "string", multiple: true, default: [] },
    name: { type: "string" },
    paused: { type: "boolean", default: false },
  },
  async run({ api, values, positionals }) {
    const source = values["on-completion-of"];
    if (values.webhook === (source !== undefined)) {
      throw new CliError("give one of --webhook or --on-completion-of DEPLOYMENT");
    }
    const deployment = await findDeployment(api(), positionals[0]!);
    const from = source === undefined ? null : await findDeployment(api(), source);
    const body = {
      name: values.name ?? (from ? `after-${from.flow}-${from.name}` : "webhook"),
      kind: from ? "runCompletion" : "webhook",
      active: !values.paused,
      map: parseMaps(values.map),
      ...(from ? { sourceDeploymentId: from.id, states: parseStates(values.states) } : {}),
    };
    if (!from && values.states !== undefined) {
      throw new CliError("--states applies to --on-completion-of triggers only");
    }
    const result = await api().post(
      `/api/v1/deployments/${deployment.id}/triggers`,
      TriggerWithTokenSchema,
      body,
    );
    if (!result.ok) throw new CliError(`could not add the trigger: ${result.error}`);
    if (values.json) return sayJson(result.data);
    sayUrl(result.data, `Added to ${deployment.flow}/${deployment.name}`);
  },
});

const lastFiring = (t: TriggerView) =>
  t.lastFiring
    ? `${clock(t.lastFiring.at)} ${t.lastFiring.runId ? `run ${t.lastFiring.runId}` : `failed: ${t.lastFiring.error}`}`
    : "-";

export const triggerLsCommand = defineCommand({
  name: "trigger ls",
  aliases: ["triggers", "trigger list"],
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "list a deployment's triggers and their last firing",
  help: "Lists DEPLOYMENT's triggers: id, name, what fires it, its parameter map, on/off, last firing.",
  options: {},
  async run({ api, values, positionals }) {
    const deployment = await findDeployment(api(), positionals[0]!);
    const result = await api().request(
      `/api/v1/deployments/${deployment.id}/triggers`,
      ListTriggersResponseSchema,
    );
    if (!result.ok) throw new CliError(`could not list the triggers: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.triggers.length) {
      return say(
        `${deployment.flow}/${deployment.name} has no trigger: add one with \`pipebook trigger add\``,
      );
    }
    say(
      table(
        ["ID", "NAME", "FIRES ON", "MAP", "STATE", "LAST FIRING"],
        result.data.triggers.map((t) => [
          t.id,
          t.name,
          t.description,
          JSON.stringify(t.map),
          t.active ? "active" : "paused",
          lastFiring(t),
        ]),
      ),
    );
  },
});

export const triggerRmCommand = defineCommand({
  name: "trigger rm",
  operands: "TRIGGER_ID",
  arity: { min: 1, max: 1 },
  summary: "remove a trigger (the runs it created stay)",
  help: "Removes the trigger TRIGGER_ID (see `pipebook trigger ls DEPLOYMENT`).",
  options: {},
  async run({ api, values, positionals }) {
    const id = positionals[0]!;
    const result = await api().request(`/api/v1/triggers/${encodeURIComponent(id)}`, z.unknown(), {
      method: "DELETE",
    });
    if (!result.ok) throw new CliError(`could not remove the trigger: ${result.error}`);
    return values.json ? sayJson({ removed: id }) : say(`Removed trigger ${id}`);
  },
});

export const triggerRotateCommand = defineCommand({
  name: "trigger rotate",
  operands: "TRIGGER_ID",
  arity: { min: 1, max: 1 },
  summary: "give a webhook trigger a new URL (the old one stops working)",
  help: "Makes a new secret URL for the webhook trigger TRIGGER_ID and prints it (once).",
  options: {},
  async run({ api, values, positionals }) {
    const id = encodeURIComponent(positionals[0]!);
    const result = await api().post(`/api/v1/triggers/${id}/rotate`, TriggerWithTokenSchema, {});
    if (!result.ok) throw new CliError(`could not rotate the trigger: ${result.error}`);
    if (values.json) return sayJson(result.data);
    sayUrl(result.data, "Rotated");
  },
});

export const triggerFiringsCommand = defineCommand({
  name: "trigger firings",
  operands: "TRIGGER_ID",
  arity: { min: 1, max: 1 },
  summary: "a trigger's recent firings: the run each started, or why it could not",
  help: "Lists the last 50 firings of TRIGGER_ID, newest first.",
  options: {},
  async run({ api, values, positionals }) {
    const id = encodeURIComponent(positionals[0]!);
    const result = await api().request(
      `/api/v1/triggers/${id}/firings`,
      ListTriggerFiringsResponseSchema,
    );
    if (!result.ok) throw new CliError(`could not list the firings: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.firings.length) return say("It has not fired yet.");
    say(
      table(
        ["AT", "SOURCE RUN", "RUN", "ERROR"],
        result.data.firings.map((f) => [
          clock(f.at),
          f.sourceRunId ?? "(webhook)",
          f.runId ?? "-",
          f.error ?? "",
        ]),
      ),
    );
  },
});
