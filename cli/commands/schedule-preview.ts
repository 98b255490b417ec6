// `pipebook schedule preview`: the next times a schedule would fire, asked of the server (the
// same computation the scheduler uses), before the schedule is saved anywhere.
import { SchedulePreviewResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { RULE_HELP, RULE_OPTIONS, ruleOf } from "./schedule.ts";

export const schedulePreviewCommand = defineCommand({
  name: "schedule preview",
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "show the next times a cron, interval or RRULE schedule fires",
  help: `Prints the next times a schedule fires, in its time zone and in UTC. Give one of --cron,
--interval or --rrule. Nothing is saved.

Examples:
  pipebook schedule preview --cron "0 9 * * 1-5" --timezone Europe/Paris
  pipebook schedule preview --interval 15m
  pipebook schedule preview --rrule "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;BYHOUR=18" --timezone America/New_York

Options:
${RULE_HELP}
  --count N            how many times (default 10, at most 100)
  --after TIME         the times after this instant (ISO 8601; default now)`,
  options: {
    ...RULE_OPTIONS,
    count: { type: "string" },
    after: { type: "string" },
  },
  async run({ api, values }) {
    const count = values.count ?? "10";
    if (!/^[1-9]\d{0,2}$/.test(count) || Number(count) > 100) {
      throw new CliError(`--count must be a whole number from 1 to 100 (got "${count}")`);
    }
    const result = await api().post("/api/v1/schedules/preview", SchedulePreviewResponseSchema, {
      schedule: ruleOf(values),
      count: Number(count),
      ...(values.after ? { after: values.after } : {}),
    });
    if (!result.ok) throw new CliError(`could not preview the schedule: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { times, local, description } = result.data;
    say(`${description}: the next ${times.length} time${times.length === 1 ? "" : "s"}`);
    times.forEach((t, i) => say(`  ${local[i]}   ${t}`));
    if (!times.length) say("  (the schedule has ended: no more times)");
  },
});
