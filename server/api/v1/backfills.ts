// /api/v1 backfills: a deployment run for every slot of one of its schedules between two times
// (or once per parameter set), at most maxInFlight at once; its preview, progress and cancel.
import * as z from "zod";
import {
  BackfillDetailSchema,
  BackfillInputSchema,
  BackfillPreviewRequestSchema,
  BackfillPreviewSchema,
  BackfillSchema,
  ListBackfillsResponseSchema,
} from "../../../contract/backfills.ts";
import { cancelBackfill, createBackfill } from "../../backfills/create-backfill.ts";
import { getBackfill, listBackfills } from "../../backfills/get-backfill.ts";
import { planBackfill, previewOf } from "../../backfills/plan-backfill.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const DeploymentParams = z.object({ id: z.string().describe("The deployment's id") });
const BackfillParams = z.object({ id: z.string().describe("The backfill's id") });
const tag = "Backfills" as const;

export const postBackfillPreview = route(
  {
    access: "read",
    body: BackfillPreviewRequestSchema,
    docs: {
      operationId: "previewBackfill",
      summary: "How many runs a backfill would create, and its first slots (nothing is saved)",
      tag,
      responses: { 200: { description: "The preview", schema: BackfillPreviewSchema } },
      errors: [404],
    },
  },
  async ({ db, body }) => {
    const { deploymentId, ...input } = body;
    return json(200, previewOf(await planBackfill(db, deploymentId, input)));
  },
);

export const postDeploymentBackfill = route(
  {
    access: "operate",
    params: DeploymentParams,
    body: BackfillInputSchema,
    docs: {
      operationId: "createBackfill",
      summary: "Start a backfill: a run for every slot of a schedule between two times",
      description:
        "Give `scheduleId`, `from` and `to` (the slots at or after `from` and at or before `to`, at most 10,000; each run's scheduled time, and its tasks' `PIPEBOOK_SCHEDULED_AT`, is its slot), or `parameterSets` (one run per set). At most `maxInFlight` of its runs are unfinished at once: the next is created as one ends. It is Completed when every run ended (failed ones included: see `counts`).",
      tag,
      responses: {
        201: { description: "The backfill, its first runs created", schema: BackfillSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params, body, actor }) =>
    json(201, await createBackfill(db, params.id, body, { actor })),
);

export const getBackfills = route(
  {
    access: "read",
    query: z.object({
      deploymentId: z.string().optional().describe("Only this deployment's backfills"),
    }),
    docs: {
      operationId: "listBackfills",
      summary: "Backfills, newest first (the latest 100), with their progress",
      tag,
      responses: { 200: { description: "The backfills", schema: ListBackfillsResponseSchema } },
      errors: [],
    },
  },
  async ({ db, query }) => json(200, { backfills: await listBackfills(db, query) }),
);

export const getBackfillById = route(
  {
    access: "read",
    params: BackfillParams,
    docs: {
      operationId: "getBackfill",
      summary: "A backfill: its state, its runs counted by state, and its runs by slot",
      tag,
      responses: { 200: { description: "The backfill", schema: BackfillDetailSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, await getBackfill(db, params.id)),
);

export const postCancelBackfill = route(
  {
    access: "operate",
    params: BackfillParams,
    docs: {
      operationId: "cancelBackfill",
      summary: "Cancel a backfill: no more runs, its waiting runs cancelled, running ones finish",
      tag,
      responses: { 200: { description: "The backfill", schema: BackfillSchema } },
      errors: [404, 409],
    },
  },
  async ({ db, params, actor }) => json(200, await cancelBackfill(db, params.id, { actor })),
);
