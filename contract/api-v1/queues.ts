// /api/v1 shapes of work queues and agents.
import * as z from "zod";
import { isoTime } from "./common.ts";
import { FlowRunDisplayStateSchema } from "./flow-runs.ts";

// ---------------------------------------------------------------- work queues and agents

/** An agent as the work queue views name it. */
export const AgentRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  tags: z.array(z.string()),
});

export const WorkQueueSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    /** Lower is claimed first by an agent serving several queues (1 is the highest). */
    priority: z.int(),
    concurrencyLimit: z.int().nullable(),
    paused: z.boolean(),
    /** Runs waiting for an agent (Scheduled): all, those whose start time has come, those shown Late. */
    waiting: z.object({ total: z.int(), due: z.int(), late: z.int() }),
    /** Runs an agent holds: Pending, Running or Cancelling. */
    running: z.int(),
    /** The online agents serving this queue. */
    agents: z.array(AgentRefSchema),
    createdAt: isoTime,
  })
  .meta({ id: "WorkQueue" });
export type WorkQueueView = z.infer<typeof WorkQueueSchema>;

export const ListWorkQueuesResponseSchema = z.object({ workQueues: z.array(WorkQueueSchema) });
export type ListWorkQueuesResponse = z.infer<typeof ListWorkQueuesResponseSchema>;

export const WorkQueuePreviewQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(20)
    .describe("How many runs to list (due ones first, then upcoming ones)"),
});

export const WorkQueuePreviewRunSchema = z.object({
  /** 1, 2, 3…: the order agents claim them in. */
  position: z.int(),
  id: z.string(),
  /** Scheduled, Late, or Paused while the queue is paused. */
  state: FlowRunDisplayStateSchema,
  /** False for a run whose start time has not come yet (listed after every due run). */
  due: z.boolean(),
  /** Why a due run waits for a slot ("Waiting for a slot of tag db (2/2 in use)"); else null. */
  waitingFor: z.string().nullable(),
  scheduledAt: isoTime,
  createdAt: isoTime,
  flow: z.object({ name: z.string(), version: z.int() }),
  /** Null for a notebook cell run. */
  deployment: z.object({ id: z.string(), name: z.string() }).nullable(),
  cellTask: z.string().nullable(),
  tags: z.array(z.string()),
  /** Online agents serving the queue that carry every tag of the run (0: none would take it). */
  eligibleAgents: z.int(),
  /** Why no online agent would take it ("no online agent of this queue carries tag gpu"). */
  warning: z.string().nullable(),
});
export type WorkQueuePreviewRun = z.infer<typeof WorkQueuePreviewRunSchema>;

export const WorkQueuePreviewSchema = z
  .object({
    workQueue: WorkQueueSchema,
    /** Due runs in claim order, then upcoming ones by start time. */
    runs: z.array(WorkQueuePreviewRunSchema),
    /** Why the queue's runs would wait now (paused, no online agent). */
    warnings: z.array(z.string()),
  })
  .meta({ id: "WorkQueuePreview" });
export type WorkQueuePreview = z.infer<typeof WorkQueuePreviewSchema>;

export const AgentRunSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
  flow: z.string(),
  /** Null for a notebook cell run. */
  deployment: z.string().nullable(),
  startedAt: isoTime.nullable(),
});

// No component name of its own: it only appears inside ListAgentsResponse.
export const AgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Online: not stopped and heard from within one lease. */
  state: z.enum(["online", "offline"]),
  hostname: z.string(),
  version: z.string(),
  queues: z.array(z.string()),
  tags: z.array(z.string()),
  /** Flow runs it takes at once. */
  concurrency: z.int(),
  startedAt: isoTime,
  /** Its last heartbeat (or registration). */
  lastSeenAt: isoTime,
  stoppedAt: isoTime.nullable(),
  /** The runs it holds now (Pending, Running, Cancelling). */
  runs: z.array(AgentRunSchema),
});
export type AgentView = z.infer<typeof AgentSchema>;

export const ListAgentsQuerySchema = z.object({
  all: z
    .enum(["true", "false"])
    .default("false")
    .describe("Also agents offline for more than a day (hidden by default)"),
});

export const ListAgentsResponseSchema = z.object({
  agents: z.array(AgentSchema),
  /** The server's clock when it answered, to tell how long ago each agent was heard from. */
  now: isoTime,
});
export type ListAgentsResponse = z.infer<typeof ListAgentsResponseSchema>;
