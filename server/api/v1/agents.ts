// The agent protocol's edge (contract/agent-protocol.ts): agent keys and user keys may call it.
import { z } from "zod";
import {
  CacheLookupRequestSchema,
  ClaimRequestSchema,
  HeartbeatRequestSchema,
  RegisterAgentRequestSchema,
  ReportRequestSchema,
  StopAgentRequestSchema,
} from "../../../contract/agent-protocol.ts";
import { claimRuns } from "../../agents/claim-runs.ts";
import { heartbeat } from "../../agents/heartbeat.ts";
import { registerAgent } from "../../agents/register-agent.ts";
import { stopAgent } from "../../agents/stop-agent.ts";
import { applyReport } from "../../runs/apply-report.ts";
import { lookupCache } from "../../runs/lookup-cache.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

const IdParams = z.object({ id: z.string() });

export const postAgent = route(
  { access: "agent", body: RegisterAgentRequestSchema },
  async ({ db, body, config }) => json(201, await registerAgent(db, body, config.agents)),
);

export const postClaim = route(
  { access: "agent", params: IdParams, body: ClaimRequestSchema },
  async ({ db, params, body, config, request }) =>
    json(200, {
      runs: await claimRuns(db, {
        agentId: params.id,
        capacity: body.capacity,
        waitMs: body.waitMs,
        leaseMs: config.agents.leaseMs,
        signal: request.signal,
      }),
    }),
);

export const postHeartbeat = route(
  { access: "agent", params: IdParams, body: HeartbeatRequestSchema },
  async ({ db, params, body, config, request }) =>
    json(
      200,
      await heartbeat(db, {
        agentId: params.id,
        runIds: body.runs,
        waitMs: body.waitMs,
        leaseMs: config.agents.leaseMs,
        signal: request.signal,
      }),
    ),
);

export const postStop = route(
  { access: "agent", params: IdParams, body: StopAgentRequestSchema },
  async ({ db, params, body }) =>
    json(200, { released: await stopAgent(db, params.id, body.release) }),
);

export const postReport = route(
  { access: "agent", params: IdParams, body: ReportRequestSchema },
  async ({ db, params, body, config }) =>
    json(200, await applyReport(db, params.id, body, { leaseMs: config.agents.leaseMs })),
);

export const postCacheLookup = route(
  { access: "agent", params: IdParams, body: CacheLookupRequestSchema },
  async ({ db, params, body }) => json(200, await lookupCache(db, params.id, body)),
);
