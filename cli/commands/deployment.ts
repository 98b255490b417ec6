// `pipebook deployment pause|resume DEPLOYMENT` and `deployment set DEPLOYMENT --limit N|none`.
import { DeploymentSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { parseLimit } from "../limit-value.ts";
import { CliError, say, sayJson } from "../output.ts";
import { findDeployment } from "./run.ts";

const pauseCommand = (paused: boolean) =>
  defineCommand({
    name: paused ? "deployment pause" : "deployment resume",
    operands: "DEPLOYMENT",
    arity: { min: 1, max: 1 },
    summary: paused
      ? "pause a deployment: no agent claims its runs, its schedules create none"
      : "resume a paused deployment",
    help: paused
      ? `Pauses DEPLOYMENT (FLOW/NAME, an id, or a name only one deployment has): its waiting runs
show "Deployment paused" and no agent claims them; its schedules create no runs for the slots that
pass meanwhile. Runs already claimed go on. Pausing a paused deployment changes nothing.`
      : `Resumes DEPLOYMENT: agents claim its due runs at once and its schedules go on from the next
slot (slots passed while it was paused are not caught up).`,
    options: {},
    async run({ api, values, positionals }) {
      const deployment = await findDeployment(api(), positionals[0]!);
      const verb = paused ? "pause" : "resume";
      const result = await api().post(
        `/api/v1/deployments/${deployment.id}/${verb}`,
        DeploymentSchema,
        {},
      );
      if (!result.ok) throw new CliError(`could not ${verb} the deployment: ${result.error}`);
      if (values.json) return sayJson(result.data);
      const name = `${result.data.flow}/${result.data.name}`;
      say(paused ? `Paused deployment ${name}` : `Resumed deployment ${name}`);
    },
  });

export const deploymentPauseCommand = pauseCommand(true);
export const deploymentResumeCommand = pauseCommand(false);

export const deploymentSetCommand = defineCommand({
  name: "deployment set",
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "change a deployment's concurrency limit",
  help: `Options:
  --limit N|none       at most N of its runs active at once; "none" removes the limit`,
  options: { limit: { type: "string" } },
  async run({ api, values, positionals }) {
    if (values.limit === undefined) throw new CliError("give --limit N (or --limit none)");
    const concurrencyLimit = parseLimit("--limit", values.limit, true);
    const deployment = await findDeployment(api(), positionals[0]!);
    const result = await api().request(`/api/v1/deployments/${deployment.id}`, DeploymentSchema, {
      method: "PATCH",
      body: JSON.stringify({ concurrencyLimit }),
    });
    if (!result.ok) throw new CliError(`could not change the deployment: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const name = `${result.data.flow}/${result.data.name}`;
    say(
      concurrencyLimit === null
        ? `Deployment ${name}: no concurrency limit`
        : `Deployment ${name}: at most ${concurrencyLimit} of its runs at once`,
    );
  },
});
