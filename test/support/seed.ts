// Test data made through the real services, so tests start from states users can reach.
import crypto from "node:crypto";
import { checkFlowFile } from "../../contract/flow-file/parse.ts";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import type { Role } from "../../server/auth/permissions.ts";
import type { Principal } from "../../server/auth/principal.ts";
import type { Actor } from "../../server/audit/actor.ts";
import type { Db } from "../../server/db/client.ts";
import { createDeployment } from "../../server/deployments/create-deployment.ts";
import { saveFlow } from "../../server/flows/save-flow.ts";
import type { FlowRunState } from "../../contract/run-states.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";
import { transitionFlowRun } from "../../server/runs/state-machine/index.ts";

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

/** The path a flow run takes to each stored state, through the state machine. */
export const PATH_TO: Record<FlowRunState, FlowRunState[]> = {
  Scheduled: [],
  Pending: ["Pending"],
  Running: ["Pending", "Running"],
  Cancelling: ["Pending", "Running", "Cancelling"],
  Completed: ["Pending", "Running", "Completed"],
  Failed: ["Pending", "Running", "Failed"],
  Cancelled: ["Cancelled"],
  Crashed: ["Pending", "Crashed"],
};

/**
 * A run of the deployment, scheduled at `scheduledAt` (default now), taken to `state` through
 * the state machine; it ran for `ranMs` (time-stamped from its scheduled time) and a Failed or
 * Crashed end carries `message`.
 */
export async function seedRunIn(
  db: Db,
  deploymentId: string,
  state: FlowRunState,
  options: { scheduledAt?: Date; ranMs?: number; message?: string } = {},
) {
  const { id } = await createFlowRun(db, {
    deploymentId,
    parameters: {},
    scheduledAt: options.scheduledAt,
    leaseMs: 15_000,
  });
  let from: FlowRunState = "Scheduled";
  let at = (options.scheduledAt ?? new Date()).getTime();
  for (const to of PATH_TO[state]) {
    if (to === "Completed" || to === "Failed") at += options.ranMs ?? 1_000;
    const failed = to === "Failed" || to === "Crashed";
    await transitionFlowRun(db, {
      id,
      from: [from],
      to,
      at: new Date(at),
      message: failed ? options.message : undefined,
    });
    from = to;
  }
  return id;
}

/** A signed-in caller of the given role, for tRPC callers in tests. */
export function principalOf(
  role: Role,
  user: { id: string; name: string } = { id: "", name: "test" },
): Principal {
  return {
    userId: user.id,
    userName: user.name,
    role,
    keyKind: "user",
    via: "session",
    keyId: null,
    keyRole: null,
    queues: [],
  };
}

/** A user as the audit log names them, for services called directly in tests. */
export function actorOf(user: { id: string; name: string }): Actor {
  return { userId: user.id, userName: user.name, keyId: null, via: "key" };
}
