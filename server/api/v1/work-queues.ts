// /api/v1/work-queues: the queues runs wait in — list, read, preview what agents take next,
// change its settings, pause and resume.
import * as z from "zod";
import {
  UpdateWorkQueueRequestSchema,
  ListWorkQueuesResponseSchema,
  WorkQueuePreviewQuerySchema,
  WorkQueuePreviewSchema,
  WorkQueueSchema,
} from "../../../contract/api-v1.ts";
import type { Config } from "../../config.ts";
import { getWorkQueue, listWorkQueues } from "../../queues/list-work-queues.ts";
import { setWorkQueuePaused } from "../../queues/pause-work-queue.ts";
import { previewWorkQueue } from "../../queues/preview-work-queue.ts";
import { updateWorkQueue } from "../../queues/update-work-queue.ts";
import { route, type RouteDocs } from "../handler.ts";
import { json } from "../respond.ts";

const NameParams = z.object({ name: z.string().describe("The work queue's name") });

const viewOptions = (config: Config) => ({
  leaseMs: config.agents.leaseMs,
  lateAfterMs: config.lateAfterMs,
});

const docs = (operationId: string, summary: string, schema: z.ZodType, errors: number[]) =>
  ({
    operationId,
    summary,
    tag: "Work queues",
    responses: { 200: { description: summary, schema } },
    errors,
  }) satisfies RouteDocs;

export const getWorkQueues = route(
  {
    access: "read",
    docs: docs(
      "listWorkQueues",
      "List the work queues with their waiting and running runs and online agents",
      ListWorkQueuesResponseSchema,
      [],
    ),
  },
  async ({ db, config }) =>
    json(200, { workQueues: await listWorkQueues(db, viewOptions(config)) }),
);

export const getWorkQueueByName = route(
  {
    access: "read",
    params: NameParams,
    docs: docs("getWorkQueue", "Read a work queue", WorkQueueSchema, [404]),
  },
  async ({ db, params, config }) =>
    json(200, await getWorkQueue(db, params.name, viewOptions(config))),
);

export const getWorkQueuePreview = route(
  {
    access: "read",
    params: NameParams,
    query: WorkQueuePreviewQuerySchema,
    docs: {
      ...docs(
        "previewWorkQueue",
        "The runs agents will claim next from a work queue, in claim order",
        WorkQueuePreviewSchema,
        [404],
      ),
      description:
        "Due runs in exactly the order agents claim them (queue priority, then start time, then creation), then upcoming runs by start time (`due: false`). A run carrying tags is claimed only by an agent carrying all of them: `eligibleAgents` counts the online agents of the queue that do, and `warning` says why none would take it.",
    },
  },
  async ({ db, params, query, config }) =>
    json(
      200,
      await previewWorkQueue(db, params.name, { ...viewOptions(config), limit: query.limit }),
    ),
);

const pauseRoute = (paused: boolean) =>
  route(
    {
      access: "operate",
      params: NameParams,
      docs: {
        ...docs(
          paused ? "pauseWorkQueue" : "resumeWorkQueue",
          paused
            ? "Pause a work queue: agents claim none of its runs until it is resumed"
            : "Resume a paused work queue",
          WorkQueueSchema,
          [404],
        ),
        description: paused
          ? "Idempotent. Its waiting runs show as Paused; runs already claimed go on."
          : "Idempotent. Agents serving the queue claim its due runs at once.",
      },
    },
    async ({ db, params, config, actor }) => {
      await setWorkQueuePaused(db, params.name, paused, actor);
      return json(200, await getWorkQueue(db, params.name, viewOptions(config)));
    },
  );

export const postPauseWorkQueue = pauseRoute(true);
export const postResumeWorkQueue = pauseRoute(false);

export const patchWorkQueue = route(
  {
    access: "edit",
    params: NameParams,
    body: UpdateWorkQueueRequestSchema,
    docs: {
      ...docs(
        "updateWorkQueue",
        "Change a work queue's description, priority or concurrency limit",
        WorkQueueSchema,
        [400, 404],
      ),
      description:
        "`priority`: an agent serving several queues claims from the lowest number first. `concurrencyLimit`: at most this many of the queue's runs active at once (null: no limit); runs beyond it wait and start as soon as a slot frees.",
    },
  },
  async ({ db, params, body, config, actor }) => {
    await updateWorkQueue(db, params.name, body, actor);
    return json(200, await getWorkQueue(db, params.name, viewOptions(config)));
  },
);
