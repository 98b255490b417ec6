// `pipebook deploy deployment.yaml`: a deployment file (contract/deployment-file.ts) says the
// whole deployment — its flow, queue, parameters, policies and schedules — so deploying it again
// after a change in git makes the server match the file.
import path from "node:path";
import { CreateDeploymentResponseSchema } from "../../contract/api-v1.ts";
import { checkDeploymentFileText, FLOW_FILE_EXTENSION } from "../../contract/deployment-file.ts";
import { describeIssue } from "../../contract/flow-file/issues.ts";
import type { ApiClient } from "../api-client.ts";
import { CliError } from "../output.ts";
import { importFlow } from "./flow-import.ts";

/** Deploys a deployment file; answers the deployment and the number of schedules it now has. */
export async function deployFile(
  api: ApiClient,
  file: string,
  text: string,
  format: "json" | "yaml",
) {
  const check = checkDeploymentFileText(text, format);
  if (!check.deployment) {
    const lines = check.issues.map((issue) =>
      issue.location
        ? `${file}:${issue.location.line}:${issue.location.column}: ${issue.message}`
        : `${file}: ${describeIssue(issue)}`,
    );
    throw new CliError(`the deployment file was refused:\n${lines.join("\n")}`);
  }
  const declared = check.deployment;
  // A flow file beside it is imported first (a new version when it changed).
  const flow = FLOW_FILE_EXTENSION.test(declared.flow)
    ? (await importFlow(api, path.resolve(path.dirname(file), declared.flow))).name
    : declared.flow;
  const result = await api.post("/api/v1/deployments", CreateDeploymentResponseSchema, {
    ...declared,
    flow,
    schedules: declared.schedules ?? [],
  });
  if (!result.ok) throw new CliError(`${file}: could not deploy ${flow}: ${result.error}`);
  return { deployment: result.data, schedules: (declared.schedules ?? []).length };
}
