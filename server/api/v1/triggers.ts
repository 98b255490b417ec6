// /api/v1 triggers: a deployment's webhook and run-completion triggers (list, add, change,
// rotate a webhook's URL, remove), each trigger's recent firings, and the webhook endpoint
// itself — public, opened by the secret token in its path.
import * as z from "zod";
import {
  ListTriggerFiringsResponseSchema,
  ListTriggersResponseSchema,
  TriggerInputSchema,
  TriggerPatchSchema,
  TriggerSchema,
  TriggerWithTokenSchema,
  WebhookResponseSchema,
} from "../../../contract/triggers.ts";
import { listFirings } from "../../triggers/list-firings.ts";
import {
  createTrigger,
  deleteTrigger,
  listTriggers,
  rotateTrigger,
  updateTrigger,
} from "../../triggers/save-trigger.ts";
import { receiveWebhook } from "../../triggers/webhook.ts";
import { readJson, route } from "../handler.ts";
import { json } from "../respond.ts";

const DeploymentParams = z.object({ id: z.string().describe("The deployment's id") });
const TriggerParams = z.object({ id: z.string().describe("The trigger's id") });
const tag = "Triggers" as const;
const originOf = (request: Request) => new URL(request.url).origin;

export const getDeploymentTriggers = route(
  {
    access: "read",
    params: DeploymentParams,
    docs: {
      operationId: "listTriggers",
      summary: "A deployment's triggers, each with its last firing",
      tag,
      responses: { 200: { description: "The triggers", schema: ListTriggersResponseSchema } },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, { triggers: await listTriggers(db, params.id) }),
);

export const postDeploymentTrigger = route(
  {
    access: "edit",
    params: DeploymentParams,
    body: TriggerInputSchema,
    docs: {
      operationId: "createTrigger",
      summary: "Add a webhook or run-completion trigger to a deployment",
      description:
        "A webhook trigger's answer holds its secret URL: it is shown this once (rotate it to get a new one). A run-completion trigger that would close a cycle of triggers is refused.",
      tag,
      responses: {
        201: { description: "The trigger (and a webhook's URL)", schema: TriggerWithTokenSchema },
      },
      errors: [404, 409],
    },
  },
  async ({ db, params, body, actor, request }) =>
    json(201, await createTrigger(db, params.id, body, { actor, origin: originOf(request) })),
);

export const patchTrigger = route(
  {
    access: "edit",
    params: TriggerParams,
    body: TriggerPatchSchema,
    docs: {
      operationId: "updateTrigger",
      summary: "Change a trigger's name, on/off state, parameter map or states",
      tag,
      responses: { 200: { description: "The trigger", schema: TriggerSchema } },
      errors: [404, 409],
    },
  },
  async ({ db, params, body, actor }) =>
    json(200, await updateTrigger(db, params.id, body, { actor })),
);

export const postRotateTrigger = route(
  {
    access: "edit",
    params: TriggerParams,
    docs: {
      operationId: "rotateTrigger",
      summary: "Give a webhook trigger a new secret URL (the old one stops working)",
      tag,
      responses: {
        200: { description: "The trigger and its new URL", schema: TriggerWithTokenSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params, actor, request }) =>
    json(200, await rotateTrigger(db, params.id, { actor, origin: originOf(request) })),
);

export const deleteTriggerRoute = route(
  {
    access: "edit",
    params: TriggerParams,
    docs: {
      operationId: "deleteTrigger",
      summary: "Remove a trigger (the runs it created stay)",
      tag,
      responses: { 204: { description: "Removed" } },
      errors: [404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteTrigger(db, params.id, { actor });
    return new Response(null, { status: 204 });
  },
);

export const getTriggerFirings = route(
  {
    access: "read",
    params: TriggerParams,
    docs: {
      operationId: "listTriggerFirings",
      summary: "A trigger's recent firings: the run each created, or why it could not",
      tag,
      responses: {
        200: { description: "Newest first", schema: ListTriggerFiringsResponseSchema },
      },
      errors: [404],
    },
  },
  async ({ db, params }) => json(200, { firings: await listFirings(db, params.id) }),
);

export const postWebhook = route(
  {
    access: "public",
    params: z.object({ token: z.string().max(200).describe("The trigger's secret token") }),
    docs: {
      operationId: "callWebhook",
      summary: "Call a webhook trigger: run its deployment with the body as parameters",
      description:
        "No API key: the token in the path is the credential. The JSON body (an object) is the run's parameters, or is read through the trigger's map of JSON pointers; they are validated like any run's. A bad body gets 400 naming the field, and creates nothing.",
      tag,
      requestBody: { "application/json": z.record(z.string(), z.unknown()) },
      responses: { 201: { description: "The run it created", schema: WebhookResponseSchema } },
      errors: [400, 404, 413, 415, 429],
    },
  },
  async ({ db, params, request }) => {
    const { runId } = await receiveWebhook(db, {
      token: params.token,
      headers: request.headers,
      body: () => readJson(request),
    });
    return json(201, { runId, runUrl: `${originOf(request)}/runs/${runId}` });
  },
);
