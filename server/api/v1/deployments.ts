// /api/v1/deployments: create (or update) a deployment, list them, read one, trigger a run.
import * as z from "zod";
import {
  CreateDeploymentRequestSchema,
  CreateDeploymentResponseSchema,
  CreateFlowRunRequestSchema,
  CreateFlowRunResponseSchema,
  DeploymentSchema,
  ListDeploymentsResponseSchema,
} from "../../../contract/api-v1.ts";
import { deploy } from "../../deployments/create-deployment.ts";
import { getDeployment, listDeployments } from "../../deployments/get-deployment.ts";
import { createFlowRun } from "../../runs/create-flow-run.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string().describe("The deployment's id") });

export const postDeployment = route(
  {
    access: "edit",
    body: CreateDeploymentRequestSchema,
    docs: {
      operationId: "createDeployment",
      summary: "Create or update a deployment of a flow's latest version",
      description:
        "The work queue is created on first use. Deploying the same flow and name again updates that deployment to the latest version. `warnings` says why no agent would take its runs now (the queue is paused, no online agent serves it, or none carries its tags).",
      tag: "Deployments",
      responses: { 201: { description: "The deployment", schema: CreateDeploymentResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, body, config, actor }) =>
    json(201, await deploy(db, body, { leaseMs: config.agents.leaseMs, actor })),
);

export const getDeployments = route(
  {
    access: "read",
    query: z.object({
      flow: z.string().optional().describe("Only this flow's deployments"),
      name: z.string().optional().describe("Only deployments with this name"),
    }),
    docs: {
      operationId: "listDeployments",
      summary: "List deployments",
      tag: "Deployments",
      responses: { 200: { description: "The deployments", schema: ListDeploymentsResponseSchema } },
      errors: [],
    },
  },
  async ({ db, query }) => json(200, { deployments: await listDeployments(db, query) }),
);

export const getDeploymentById = route(
  {
    access: "read",
    params: IdParams,
    docs: {
      operationId: "getDeployment",
      summary: "Read a deployment",
      tag: "Deployments",
      responses: { 200: { description: "The deployment", schema: DeploymentSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getDeployment(db, params.id)),
);

export const postFlowRun = route(
  {
    access: "operate",
    params: IdParams,
    body: CreateFlowRunRequestSchema,
    docs: {
      operationId: "createFlowRun",
      summary: "Trigger a run of a deployment",
      description:
        "Parameters are validated against the flow version's schema (nothing is coerced) over the deployment's defaults. `refreshCaches: true` runs tasks that have a cache policy again and stores their fresh results.",
      tag: "Deployments",
      responses: { 201: { description: "The new flow run", schema: CreateFlowRunResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, params, body, actor, config }) => {
    const run = await createFlowRun(db, {
      deploymentId: params.id,
      parameters: body.parameters,
      actor,
      leaseMs: config.agents.leaseMs,
      refreshCaches: body.refreshCaches,
    });
    return json(201, { id: run.id, state: run.state });
  },
);
