// `pipebook schedule add|ls|pause|resume|rm`: a deployment's schedules. The rule options are
// the same as `schedule preview`'s, so a schedule is previewed and added with one command line.
import * as z from "zod";
import {
  ListSchedulesResponseSchema,
  ScheduleSchema,
  type ScheduleView,
} from "../../contract/api-v1.ts";
import type { ParameterSchema } from "../../contract/flow-file/schema.ts";
import { defineCommand } from "../command.ts";
import { CliError, clock, say, sayJson } from "../output.ts";
import { parseParamFlags, parseParamsJson } from "../parameters.ts";
import { table } from "../table.ts";
import { findDeployment } from "./run.ts";

export const RULE_OPTIONS = {
  cron: { type: "string" },
  interval: { type: "string" },
  anchor: { type: "string" },
  rrule: { type: "string" },
  timezone: { type: "string" },
} as const;

export const RULE_HELP = `  --cron EXPR          5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first
  --interval EVERY     "30s", "15m", "2h", "1d"
  --anchor TIME        interval schedules: slots are anchor + k × interval (ISO 8601)
  --rrule RULE         an iCalendar RRULE (FREQ=HOURLY or slower)
  --timezone ZONE      IANA time zone for cron and RRULE times (default UTC)`;

/** The rule the options give, as the API takes it. */
export function ruleOf(values: Partial<Record<keyof typeof RULE_OPTIONS, string>>) {
  return Object.fromEntries(
    (Object.keys(RULE_OPTIONS) as (keyof typeof RULE_OPTIONS)[])
      .filter((k) => values[k] !== undefined)
      .map((k) => [k, values[k]]),
  );
}

const line = (s: ScheduleView) =>
  `${s.description}${s.active ? "" : " (paused)"}${s.nextRunAt ? `, next ${clock(s.nextRunAt)}` : ""}`;

export const scheduleAddCommand = defineCommand({
  name: "schedule add",
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "add a cron, interval or RRULE schedule to a deployment",
  help: `Adds a schedule to DEPLOYMENT (FLOW/NAME, an id, or a name only one deployment has). It starts
now: the scheduler creates each slot's run once. Give one of --cron, --interval or --rrule; see
the times first with \`pipebook schedule preview\` and the same options.

Options:
${RULE_HELP}
  --param NAME=VALUE   a parameter of its runs, over the deployment's defaults (repeatable)
  --params JSON        several parameters as one JSON object
  --paused             add it paused (no runs until \`pipebook schedule resume\`)`,
  options: {
    ...RULE_OPTIONS,
    param: { type: "string", multiple: true, default: [] },
    params: { type: "string" },
    paused: { type: "boolean", default: false },
  },
  async run({ api, values, positionals }) {
    const deployment = await findDeployment(api(), positionals[0]!);
    const parameters = parseParamFlags(
      values.param,
      deployment.parameterSchema as ParameterSchema,
      parseParamsJson(values.params),
    );
    const result = await api().post(
      `/api/v1/deployments/${deployment.id}/schedules`,
      ScheduleSchema,
      { ...ruleOf(values), active: !values.paused, parameters },
    );
    if (!result.ok) throw new CliError(`could not add the schedule: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(
      `Added schedule ${result.data.id} to ${deployment.flow}/${deployment.name}: ${line(result.data)}`,
    );
  },
});

export const scheduleLsCommand = defineCommand({
  name: "schedule ls",
  aliases: ["schedules", "schedule list"],
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "list a deployment's schedules and when each fires next",
  help: "Lists DEPLOYMENT's schedules: id, rule, parameters, whether paused, and the next time.",
  options: {},
  async run({ api, values, positionals }) {
    const deployment = await findDeployment(api(), positionals[0]!);
    const result = await api().request(
      `/api/v1/deployments/${deployment.id}/schedules`,
      ListSchedulesResponseSchema,
    );
    if (!result.ok) throw new CliError(`could not list the schedules: ${result.error}`);
    if (values.json) return sayJson(result.data);
    if (!result.data.schedules.length) {
      return say(
        `${deployment.flow}/${deployment.name} has no schedule: add one with \`pipebook schedule add\``,
      );
    }
    say(
      table(
        ["ID", "RULE", "PARAMETERS", "STATE", "NEXT RUN"],
        result.data.schedules.map((s) => [
          s.id,
          s.description,
          JSON.stringify(s.parameters),
          s.active ? "active" : "paused",
          s.nextRunAt ? clock(s.nextRunAt) : "-",
        ]),
      ),
    );
  },
});

const byId = (verb: "pause" | "resume" | "rm") =>
  defineCommand({
    name: `schedule ${verb}`,
    operands: "SCHEDULE_ID",
    arity: { min: 1, max: 1 },
    summary: {
      pause: "pause a schedule (its waiting runs are cancelled)",
      resume: "resume a schedule from now (paused time is not caught up)",
      rm: "remove a schedule (its waiting runs are cancelled)",
    }[verb],
    help: `${verb === "rm" ? "Removes" : verb === "pause" ? "Pauses" : "Resumes"} the schedule SCHEDULE_ID (see \`pipebook schedule ls DEPLOYMENT\`).`,
    options: {},
    async run({ api, values, positionals }) {
      const id = encodeURIComponent(positionals[0]!);
      if (verb === "rm") {
        const result = await api().request(`/api/v1/schedules/${id}`, z.unknown(), {
          method: "DELETE",
        });
        if (!result.ok) throw new CliError(`could not remove the schedule: ${result.error}`);
        return values.json
          ? sayJson({ removed: positionals[0] })
          : say(`Removed schedule ${positionals[0]}`);
      }
      const result = await api().post(`/api/v1/schedules/${id}/${verb}`, ScheduleSchema, {});
      if (!result.ok) throw new CliError(`could not ${verb} the schedule: ${result.error}`);
      if (values.json) return sayJson(result.data);
      say(
        `${verb === "pause" ? "Paused" : "Resumed"} schedule ${result.data.id}: ${line(result.data)}`,
      );
    },
  });
export const schedulePauseCommand = byId("pause");
export const scheduleResumeCommand = byId("resume");
export const scheduleRmCommand = byId("rm");
