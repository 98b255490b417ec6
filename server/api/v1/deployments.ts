// /api/v1/deployments: create (or update) a deployment, list them, read one, trigger a run.
import { z } from "zod";
import {
  CreateDeploymentRequestSchema,
  CreateFlowRunRequestSchema,
} from "../../../contract/api-v1.ts";
import { createDeployment } from "../../deployments/create-deployment.ts";
import { getDeployment, listDeployments } from "../../deployments/get-deployment.ts";
import { createFlowRun } from "../../runs/create-flow-run.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string() });

export const postDeployment = route(
  { access: "user", body: CreateDeploymentRequestSchema },
  async ({ db, body }) => {
    const { id, created } = await createDeployment(db, body);
    return json(201, { ...(await getDeployment(db, id)), created });
  },
);

export const getDeployments = route(
  {
    access: "user",
    query: z.object({ flow: z.string().optional(), name: z.string().optional() }),
  },
  async ({ db, query }) => json(200, { deployments: await listDeployments(db, query) }),
);

export const getDeploymentById = route(
  { access: "user", params: IdParams },
  async ({ db, params }) => json(200, await getDeployment(db, params.id)),
);

export const postFlowRun = route(
  { access: "user", params: IdParams, body: CreateFlowRunRequestSchema },
  async ({ db, params, body, principal, config }) => {
    const run = await createFlowRun(db, {
      deploymentId: params.id,
      parameters: body.parameters,
      userId: principal.userId,
      leaseMs: config.agents.leaseMs,
    });
    return json(201, { id: run.id, state: run.state });
  },
);
