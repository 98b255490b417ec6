// Test data made through the real services, so tests start from states users can reach.
import crypto from "node:crypto";
import { checkFlowFile } from "../../contract/flow-file/parse.ts";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import type { Db } from "../../server/db/client.ts";
import { createDeployment } from "../../server/deployments/create-deployment.ts";
import { saveFlow } from "../../server/flows/save-flow.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";

export function uniqueName(prefix = "flow"): string {
  return `${prefix}-${crypto.randomBytes(4).toString("hex")}`;
}

export const threeTasks = (name = uniqueName()): FlowFileInput => ({
  name,
  parameters: {
    type: "object",
    properties: { n: { type: "integer", default: 1 }, label: { type: "string" } },
  },
  tasks: [
    {
      name: "report",
      language: "typescript",
      dependsOn: ["extract"],
      code: "export default function main() { return 1 }",
    },
    { name: "extract", language: "python", code: "def main(n):\n    return n\n" },
    { name: "notify", language: "shell", dependsOn: ["report"], code: "echo $REPORT" },
  ],
});

export async function seedFlow(db: Db, flow: FlowFileInput = threeTasks()) {
  return saveFlow(db, { check: checkFlowFile(flow) });
}

export async function seedDeployment(
  db: Db,
  flow: FlowFileInput = threeTasks(),
  queue = "default",
) {
  const saved = await seedFlow(db, flow);
  const deployment = await createDeployment(db, {
    flow: saved.name,
    name: "test",
    parameters: {},
    workQueue: queue,
    tags: [],
    retries: 0,
    retryDelaySeconds: 0,
    runner: "process",
  });
  return { flow: saved, deploymentId: deployment.id };
}

/** Deploys `flow` again under the same name with changed settings (as `pipebook deploy` would). */
export async function redeploy(
  db: Db,
  flow: string,
  over: { parameters?: Record<string, unknown>; tags?: string[]; workQueue?: string },
) {
  return createDeployment(db, {
    flow,
    name: "test",
    parameters: over.parameters ?? {},
    workQueue: over.workQueue ?? "default",
    tags: over.tags ?? [],
    retries: 0,
    retryDelaySeconds: 0,
    runner: "process",
  });
}

export async function seedRun(db: Db, parameters: Record<string, unknown> = {}) {
  const { deploymentId, flow } = await seedDeployment(db);
  const run = await createFlowRun(db, { deploymentId, parameters, leaseMs: 15_000 });
  return { runId: run.id, deploymentId, flow };
}
