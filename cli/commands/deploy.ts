// `pipebook deploy FILE`: import the flow file, then create or update a deployment of it — or,
// given a deployment file (deploy-file.ts), make the deployment and its schedules what it says.
import { CreateDeploymentResponseSchema } from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { parseParamsJson } from "../parameters.ts";
import { importFlow, readFlowFile } from "./flow-import.ts";
import { deployFile } from "./deploy-file.ts";
import { readStructuredText } from "../../contract/flow-file/parse.ts";
import { isDeploymentFile } from "../../contract/deployment-file.ts";

export type DeployOptions = {
  name: string;
  queue: string;
  tags: string[];
  params?: string;
  retries?: string;
  description?: string;
  runner?: string;
  image?: string;
  daskScheduler?: string;
  storage?: string;
  json: boolean;
};

const RUNNERS = ["process", "docker", "dask"];

export const deployCommand = defineCommand({
  name: "deploy",
  operands: "FILE",
  arity: { min: 1, max: 1 },
  summary: "import a flow file and deploy it to a work queue",
  help: `Imports the flow file and deploys its latest version: runs of the deployment wait in the work
queue until an agent serving that queue (and carrying its tags) claims them. When no online
agent would (the queue is paused, no agent serves it, or none carries the tags), it says so.

FILE may also be a deployment file, which declares the whole deployment (the options below then
come from the file): its flow (a flow file beside it, imported first, or a flow's name),
parameters, work queue, tags, retries, catch-up and overlap policies, and its schedules, which
become exactly those listed. For example:

  flow: ./github-stars.yaml
  name: nightly
  overlap: skip          # allow | skip | bufferOne | cancelPrevious
  schedules:
    - cron: "0 6 * * 1-5"
      timezone: Europe/Paris

Options:
  --name NAME          the deployment's name (default: "default")
  --queue QUEUE        work queue (default: "default"; created on first use)
  --tag TAG            only agents with this tag may run it (repeatable)
  --params JSON        default parameters, e.g. --params '{"repos": ["a/b"]}'
  --retries N          queue a Crashed or Failed run again up to N times (default 0)
  --description TEXT   what the deployment is for
  --runner KIND        process (default: tasks run on the agent's host), docker (the run in a
                       container of --image) or dask (Python tasks on a Dask cluster)
  --image IMAGE        the container image, for --runner docker
  --dask-scheduler ADDRESS
                       the Dask scheduler, for --runner dask, e.g. tcp://10.0.0.5:8786
                       (left out: the agent's own --dask-scheduler)
  --storage NAME       where its runs' large results go (pipebook storage ls); left out,
                       the flow's storage (pipebook flow storage), else local`,
  options: {
    name: { type: "string", default: "default" },
    queue: { type: "string", default: "default" },
    tag: { type: "string", multiple: true, default: [] },
    params: { type: "string" },
    retries: { type: "string" },
    description: { type: "string" },
    runner: { type: "string" },
    image: { type: "string" },
    "dask-scheduler": { type: "string" },
    storage: { type: "string" },
  },
  run: ({ api, values, positionals }) =>
    deploy(api(), positionals[0]!, {
      ...values,
      tags: values.tag,
      daskScheduler: values["dask-scheduler"],
    }),
});

async function deploy(api: ApiClient, file: string, options: DeployOptions) {
  const { text, contentType } = readFlowFile(file);
  const format = contentType === "application/json" ? "json" : "yaml";
  const read = readStructuredText(text, format);
  if ("raw" in read && isDeploymentFile(read.raw)) {
    const { name, queue, tags, params, retries, description, runner, image, daskScheduler } =
      options;
    if (
      name !== "default" ||
      queue !== "default" ||
      tags.length ||
      params ||
      retries ||
      description ||
      runner ||
      image ||
      daskScheduler
    ) {
      throw new CliError(
        `${file} is a deployment file: the deployment's settings come from the file; leave out --name, --queue, --tag, --params, --retries, --description, --runner, --image and --dask-scheduler`,
      );
    }
    const { deployment: d, schedules } = await deployFile(api, file, text, format);
    if (options.json) return sayJson(d);
    say(
      `Deployed ${d.flow}/${d.name} (flow version ${d.version}) to work queue "${d.workQueue}" with ${schedules} schedule(s)`,
    );
    say(
      `Large results go to storage "${d.storage}"${d.storageSource === "flow" ? " (the flow's)" : d.storageSource === "default" ? " (the default; choose one with pipebook flow storage or --storage)" : ""}`,
    );
    say(`Deployment id: ${d.id}`);
    for (const warning of d.warnings) warn(`Warning: ${warning}`);
    return;
  }
  const retries = options.retries === undefined ? 0 : Number(options.retries);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new CliError(`--retries must be a whole number ≥ 0 (got "${options.retries}")`);
  }
  const runner = options.runner ?? (options.daskScheduler ? "dask" : undefined);
  if (runner !== undefined && !RUNNERS.includes(runner)) {
    throw new CliError(`--runner must be one of ${RUNNERS.join(", ")} (got "${runner}")`);
  }
  const parameters = parseParamsJson(options.params);
  const flow = await importFlow(api, file);
  const result = await api.post("/api/v1/deployments", CreateDeploymentResponseSchema, {
    flow: flow.name,
    name: options.name,
    workQueue: options.queue,
    tags: options.tags,
    parameters,
    retries,
    ...(options.description ? { description: options.description } : {}),
    ...(runner ? { runner } : {}),
    ...(options.image ? { image: options.image } : {}),
    ...(options.daskScheduler ? { daskScheduler: options.daskScheduler } : {}),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  if (!result.ok) throw new CliError(`could not deploy ${flow.name}: ${result.error}`);
  const d = result.data;
  if (options.json) return sayJson(d);
  say(
    `Deployed ${d.flow}/${d.name} (flow version ${d.version}) to work queue "${d.workQueue}"${d.tags.length ? ` with tags ${d.tags.join(", ")}` : ""}${d.runner === "process" ? "" : ` (runner ${d.runner}${d.daskScheduler ? ` at ${d.daskScheduler}` : d.image ? `, image ${d.image}` : ""})`}`,
  );
  say(
    `Large results go to storage "${d.storage}"${d.storageSource === "flow" ? " (the flow's)" : d.storageSource === "default" ? " (the default; choose one with pipebook flow storage or --storage)" : ""}`,
  );
  say(`Deployment id: ${d.id}`);
  say(`Run it: npx pipebook run ${d.flow}/${d.name}`);
  // Said now rather than left to show as a run that waits forever.
  for (const warning of d.warnings) warn(`Warning: ${warning}`);
}
