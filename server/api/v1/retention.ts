// /api/v1/retention: how long logs and results are kept (globally, per deployment), and passes.
import * as z from "zod";
import { PutRetentionRequestSchema, RetentionSchema } from "../../../contract/api-v1.ts";
import { runRetentionNow } from "../../retention/run-retention-now.ts";
import { setDeploymentRetention, setGlobalRetention } from "../../retention/set-retention.ts";
import { getRetention } from "../../retention/get-retention.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const tag = "Retention" as const;
const answer = {
  200: { description: "The retention settings and the last pass", schema: RetentionSchema },
};
const LIMITS =
  "`logsDays`: a finished run's log lines are deleted this many days after it ended. `resultsDays`: task results are deleted this many days after they were made — never one a live cache entry still answers with (unexpired and the newest of its key), nor one of a run that has not finished. `artifactsDays`: artifacts (rows and their stored files) are deleted this many days after they were uploaded, once their run has ended. null keeps that data forever; a field left out stays as it is.";

export const getRetentionRoute = route(
  {
    access: "read",
    docs: {
      operationId: "getRetention",
      summary: "Read the retention limits (global and per deployment) and the last pass",
      description:
        "A server runs a pass every hour (one server, however many run). `lastPass.endedAt` is null while one is under way.",
      tag,
      responses: answer,
      errors: [],
    },
  },
  async ({ db }) => json(200, await getRetention(db)),
);

export const putRetention = route(
  {
    access: "admin",
    body: PutRetentionRequestSchema,
    docs: {
      operationId: "setRetention",
      summary: "Set the global retention limits",
      description: `${LIMITS} A deployment's own limit, where it has one, overrides the global one.`,
      tag,
      responses: answer,
      errors: [400],
    },
  },
  async ({ db, body, actor }) => json(200, await setGlobalRetention(db, body, actor)),
);

export const putDeploymentRetention = route(
  {
    access: "admin",
    params: z.object({ id: z.string().describe("The deployment's id") }),
    body: PutRetentionRequestSchema,
    docs: {
      operationId: "setDeploymentRetention",
      summary: "Set a deployment's own retention limits, over the global ones",
      description: `${LIMITS} For a deployment, null means "as the global limit"; with both null it follows the global limits again.`,
      tag,
      responses: answer,
      errors: [400, 404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(200, await setDeploymentRetention(db, params.id, body, actor)),
);

export const postRetentionPass = route(
  {
    access: "admin",
    docs: {
      operationId: "runRetentionPass",
      summary: "Run a retention pass now, and answer when it ends",
      description:
        "Deletes in batches of 1,000 rows, for at most 5 minutes (the next pass goes on). 409 while a pass is under way on any server.",
      tag,
      responses: answer,
      errors: [409],
    },
  },
  async ({ db, actor }) => json(200, await runRetentionNow(db, actor)),
);
