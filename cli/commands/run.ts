// `pipebook run DEPLOYMENT`: create a flow run, optionally following it to its end.
import {
  CreateFlowRunResponseSchema,
  DeploymentSchema,
  ListDeploymentsResponseSchema,
  type DeploymentView,
} from "../../contract/api-v1.ts";
import type { ParameterSchema } from "../../contract/flow-file/schema.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { parseParamFlags, parseParamsJson } from "../parameters.ts";
import { watchFlowRun } from "./watch.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findDeployment(api: ApiClient, ref: string): Promise<DeploymentView> {
  if (UUID.test(ref)) {
    const result = await api.request(`/api/v1/deployments/${ref}`, DeploymentSchema);
    if (!result.ok) throw new CliError(result.error);
    return result.data;
  }
  const slash = ref.indexOf("/");
  const query =
    slash > 0 ? { flow: ref.slice(0, slash), name: ref.slice(slash + 1) } : { name: ref };
  let result = await api.request("/api/v1/deployments", ListDeploymentsResponseSchema, { query });
  if (!result.ok) throw new CliError(result.error);
  let found = result.data.deployments;
  if (found.length === 0 && slash < 0) {
    // A flow's name also works when the flow has exactly one deployment.
    result = await api.request("/api/v1/deployments", ListDeploymentsResponseSchema, {
      query: { flow: ref },
    });
    if (!result.ok) throw new CliError(result.error);
    found = result.data.deployments;
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new CliError(
      `no deployment "${ref}": deploy one with "pipebook deploy FILE", or name it as FLOW/NAME`,
    );
  }
  throw new CliError(
    `"${ref}" names several deployments; say which: ${found.map((d) => `${d.flow}/${d.name}`).join(", ")}`,
  );
}

export const runCommand = defineCommand({
  name: "run",
  operands: "DEPLOYMENT",
  arity: { min: 1, max: 1 },
  summary: "create a flow run (--watch to follow it to the end)",
  help: `Creates a flow run of a deployment. DEPLOYMENT is FLOW/NAME (e.g. github-stars/default), a
deployment id, or a name that only one deployment has.

Options:
  --param NAME=VALUE   a parameter (repeatable); typed by the flow's schema: numbers and
                       booleans parse, strings stay as typed, arrays/objects take JSON
  --params JSON        several parameters as one JSON object
  --refresh-caches     run tasks that have a cache policy again (no cached result is reused)
                       and store their fresh results as the newest cache entries
  --watch              follow the run's states and logs until it ends; exit 0 only if Completed`,
  options: {
    param: { type: "string", multiple: true, default: [] },
    params: { type: "string" },
    "refresh-caches": { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
  },
  run: ({ api, values, positionals }) =>
    createRun(api(), positionals[0]!, {
      params: values.param,
      paramsJson: values.params,
      watch: values.watch,
      json: values.json,
      refreshCaches: values["refresh-caches"],
    }),
});

async function createRun(
  api: ApiClient,
  ref: string,
  options: {
    params: string[];
    paramsJson?: string;
    watch: boolean;
    json: boolean;
    refreshCaches: boolean;
  },
): Promise<number> {
  const deployment = await findDeployment(api, ref);
  const parameters = parseParamFlags(
    options.params,
    deployment.parameterSchema as ParameterSchema,
    parseParamsJson(options.paramsJson),
  );
  const result = await api.post(
    `/api/v1/deployments/${deployment.id}/runs`,
    CreateFlowRunResponseSchema,
    { parameters, ...(options.refreshCaches ? { refreshCaches: true } : {}) },
  );
  if (!result.ok)
    throw new CliError(
      `could not start a run of ${deployment.flow}/${deployment.name}: ${result.error}`,
    );
  const run = result.data;
  if (options.json && !options.watch) {
    sayJson(run);
    return 0;
  }
  say(
    `Created flow run ${run.id} of ${deployment.flow}/${deployment.name} (${run.state})${options.refreshCaches ? ", refreshing caches" : ""}`,
  );
  if (!options.watch) return 0;
  const final = await watchFlowRun(api, run.id);
  return final === "Completed" ? 0 : 1;
}
