// A deployment file: a deployment with its schedules, kept in git beside its flow file and
// applied with `pipebook deploy deployment.yaml`. Its fields are those of POST
// /api/v1/deployments (one schema: what the file may say is what the API takes), except `flow`,
// which may name a flow file (relative to the deployment file) that is imported first:
//
//   flow: ./github-stars.yaml        # or the name of a flow already on the server
//   name: nightly
//   workQueue: default
//   parameters: { repos: ["PrefectHQ/prefect"] }
//   overlap: skip
//   schedules:
//     - cron: "0 6 * * 1-5"
//       timezone: Europe/Paris
//     - interval: 1h
//       active: false
import type * as z from "zod";
import { CreateDeploymentRequestSchema } from "./api-v1/flows.ts";
import { fromZodIssues, type FlowIssue } from "./flow-file/issues.ts";
import { locateIssues, readStructuredText, type FlowFileFormat } from "./flow-file/parse.ts";

export const DeploymentFileSchema = CreateDeploymentRequestSchema;
export type DeploymentFile = z.output<typeof DeploymentFileSchema>;

/** `flow:` names a file to import (by its extension) rather than a flow on the server. */
export const FLOW_FILE_EXTENSION = /\.(ya?ml|json)$/i;

/** A file is a deployment file when its top level has `flow` and no `tasks` (a flow file's). */
export function isDeploymentFile(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && "flow" in raw && !("tasks" in raw);
}

export type DeploymentFileCheck = { deployment?: DeploymentFile; issues: FlowIssue[] };

/** Checks a deployment file's text: every problem with its field and line. Never throws. */
export function checkDeploymentFileText(text: string, format: FlowFileFormat): DeploymentFileCheck {
  const read = readStructuredText(text, format);
  if ("issues" in read) return read;
  const parsed = DeploymentFileSchema.safeParse(read.raw, { reportInput: true });
  if (!parsed.success) {
    return { issues: locateIssues(fromZodIssues(parsed.error.issues, read.raw), read.locator) };
  }
  return { deployment: parsed.data, issues: [] };
}
