// An agent's own life: it registers, renews the leases of the runs it holds by heartbeat, and
// hands back what it did not start when it stops. (What it claims: ./claims.ts.)
import * as z from "zod";
import { TagSchema, WorkQueueNameSchema } from "../api-v1/common.ts";
import { AGENT_PROTOCOL_VERSION, MAX_WAIT_MS } from "./common.ts";

// ---------------------------------------------------------------- register

export const RegisterAgentRequestSchema = z.strictObject({
  name: z.string().min(1).max(200),
  hostname: z.string().max(255).default(""),
  version: z.string().max(100).default(""),
  protocol: z.int().default(AGENT_PROTOCOL_VERSION),
  queues: z.array(WorkQueueNameSchema).min(1, "an agent serves at least one work queue").max(50),
  tags: z.array(TagSchema).max(50).default([]),
  concurrency: z.int().min(1).max(1000).default(1),
});
export type RegisterAgentRequest = z.input<typeof RegisterAgentRequestSchema>;

export const RegisterAgentResponseSchema = z.object({
  id: z.uuid(),
  heartbeatIntervalMs: z.int(),
  leaseMs: z.int(),
  claimWaitMs: z.int(),
});
export type RegisterAgentResponse = z.infer<typeof RegisterAgentResponseSchema>;

// ---------------------------------------------------------------- heartbeat

export const HeartbeatRequestSchema = z.strictObject({
  /** The runs this agent holds. */
  runs: z.array(z.uuid()).max(1000),
  /** Answer early if a cancel arrives; otherwise after this long (leases are renewed at once). */
  waitMs: z.int().min(0).max(MAX_WAIT_MS).default(0),
});
export type HeartbeatRequest = z.input<typeof HeartbeatRequestSchema>;

export const HeartbeatRunStatusSchema = z.object({
  flowRunId: z.uuid(),
  /** ok: carry on; cancel: stop its tasks and report Cancelled; lost: the lease is gone, drop it. */
  status: z.enum(["ok", "cancel", "lost"]),
});

export const HeartbeatResponseSchema = z.object({ runs: z.array(HeartbeatRunStatusSchema) });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponseSchema>;

// ---------------------------------------------------------------- stop

export const StopAgentRequestSchema = z.strictObject({
  /** Claimed runs that never started: they go back to their queue for another agent. */
  release: z.array(z.uuid()).max(1000).default([]),
});
export const StopAgentResponseSchema = z.object({ released: z.array(z.uuid()) });
