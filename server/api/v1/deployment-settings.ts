// /api/v1/deployments/:id — its concurrency limit (PATCH), pause and resume.
import * as z from "zod";
import { DeploymentSchema, UpdateDeploymentRequestSchema } from "../../../contract/api-v1.ts";
import { getDeployment } from "../../deployments/get-deployment.ts";
import { setDeploymentLimit, setDeploymentPaused } from "../../deployments/deployment-settings.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string().describe("The deployment's id") });
const answer = { 200: { description: "The deployment", schema: DeploymentSchema } };

export const patchDeployment = route(
  {
    access: "edit",
    params: IdParams,
    body: UpdateDeploymentRequestSchema,
    docs: {
      operationId: "updateDeployment",
      summary: "Change a deployment's concurrency limit",
      description:
        '`concurrencyLimit`: at most this many of its runs active at once (null: no limit). Runs beyond it wait, shown "Waiting for a slot of deployment …", and start as soon as a slot frees.',
      tag: "Deployments",
      responses: answer,
      errors: [400, 404],
    },
  },
  async ({ db, params, body, actor }) => {
    await setDeploymentLimit(db, params.id, body.concurrencyLimit, actor);
    return json(200, await getDeployment(db, params.id));
  },
);

const pauseRoute = (paused: boolean) =>
  route(
    {
      access: "operate",
      params: IdParams,
      docs: {
        operationId: paused ? "pauseDeployment" : "resumeDeployment",
        summary: paused
          ? "Pause a deployment: agents claim none of its runs and its schedules create none"
          : "Resume a paused deployment",
        description: paused
          ? 'Idempotent. Its waiting runs show "Deployment paused"; runs already claimed go on; schedule slots that pass while paused get no run.'
          : "Idempotent. Agents claim its due runs at once; its schedules go on from the next slot.",
        tag: "Deployments",
        responses: answer,
        errors: [404],
      },
    },
    async ({ db, params, actor }) => {
      await setDeploymentPaused(db, params.id, paused, actor);
      return json(200, await getDeployment(db, params.id));
    },
  );

export const postPauseDeployment = pauseRoute(true);
export const postResumeDeployment = pauseRoute(false);
