// /api/v1/concurrency-limits: tag limits (set, remove) and every limit with its slots in use.
import * as z from "zod";
import {
  ConcurrencyLimitsSchema,
  PutTagLimitRequestSchema,
  TagSchema,
} from "../../../contract/api-v1.ts";
import { listConcurrencyLimits } from "../../limits/list-limits.ts";
import { deleteTagLimit, setTagLimit } from "../../limits/tag-limits.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const TagParams = z.object({ tag: TagSchema.describe("The tag") });
const tag = "Concurrency limits" as const;
const listing = {
  description: "Every limit with its slots in use",
  schema: ConcurrencyLimitsSchema,
};

export const getConcurrencyLimits = route(
  {
    access: "read",
    docs: {
      operationId: "listConcurrencyLimits",
      summary:
        "List the concurrency limits of tags, work queues and deployments, with slots in use",
      description:
        "A slot is in use by a run that is Pending, Running or Cancelling. A tag's `waiting` counts its due runs not yet claimed.",
      tag,
      responses: { 200: listing },
      errors: [],
    },
  },
  async ({ db }) => json(200, await listConcurrencyLimits(db)),
);

export const putTagLimit = route(
  {
    access: "edit",
    params: TagParams,
    body: PutTagLimitRequestSchema,
    docs: {
      operationId: "setTagConcurrencyLimit",
      summary: "Set a tag's concurrency limit",
      description:
        'At most `limit` runs carrying the tag are active at once, across every deployment and work queue. Runs beyond it wait (shown "Waiting for a slot of tag …") and start as soon as a slot frees. Lowering a limit stops no run. 0 holds every run of the tag.',
      tag,
      responses: { 200: listing },
      errors: [400],
    },
  },
  async ({ db, params, body, actor }) => {
    await setTagLimit(db, params.tag, body.limit, actor);
    return json(200, await listConcurrencyLimits(db));
  },
);

export const deleteTagLimitRoute = route(
  {
    access: "edit",
    params: TagParams,
    docs: {
      operationId: "deleteTagConcurrencyLimit",
      summary: "Remove a tag's concurrency limit",
      tag,
      responses: { 200: listing },
      errors: [400, 404],
    },
  },
  async ({ db, params, actor }) => {
    await deleteTagLimit(db, params.tag, actor);
    return json(200, await listConcurrencyLimits(db));
  },
);
