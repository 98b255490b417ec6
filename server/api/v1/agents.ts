// The agent protocol's edge (contract/agent-protocol.ts): agent keys and user keys may call it.
import * as z from "zod";
import {
  CacheLookupRequestSchema,
  CacheLookupResponseSchema,
  ClaimRequestSchema,
  ClaimResponseSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  LockReportRequestSchema,
  LockReportResponseSchema,
  RegisterAgentRequestSchema,
  RegisterAgentResponseSchema,
  ReportRequestSchema,
  ReportResponseSchema,
  StopAgentRequestSchema,
  StopAgentResponseSchema,
} from "../../../contract/agent-protocol.ts";
import {
  requireAgentOfCaller,
  requireQueuesOfKey,
  requireRunOfCaller,
} from "../../agents/agent-access.ts";
import { claimRuns } from "../../agents/claim-runs.ts";
import { heartbeat } from "../../agents/heartbeat.ts";
import { registerAgent } from "../../agents/register-agent.ts";
import { stopAgent } from "../../agents/stop-agent.ts";
import { recordEnvironmentLock } from "../../flows/environment-locks.ts";
import { applyReport } from "../../runs/apply-report.ts";
import { lookupCache } from "../../runs/lookup-cache.ts";
import { route, type RouteDocs } from "../handler.ts";
import { json } from "../respond.ts";

const AgentId = z.object({ id: z.string().describe("The agent's id (from registering)") });
const RunId = z.object({ id: z.string().describe("The flow run's id") });

const protocol = (
  operationId: string,
  summary: string,
  status: number,
  schema: z.ZodType,
  errors: number[],
): RouteDocs => ({
  operationId,
  summary,
  tag: "Agent protocol",
  responses: { [status]: { description: "See contract/agent-protocol.ts", schema } },
  errors: [403, ...errors],
});

export const postAgent = route(
  {
    access: "agent",
    body: RegisterAgentRequestSchema,
    docs: protocol(
      "registerAgent",
      "Register an agent: its queues, tags and concurrency",
      201,
      RegisterAgentResponseSchema,
      [],
    ),
  },
  async ({ db, body, config, principal }) => {
    requireQueuesOfKey(principal, body.queues);
    return json(
      201,
      await registerAgent(db, { ...body, apiKeyId: principal.keyId }, config.agents),
    );
  },
);

export const postClaim = route(
  {
    access: "agent",
    params: AgentId,
    body: ClaimRequestSchema,
    docs: protocol(
      "claimFlowRuns",
      "Long-poll for due runs of the agent's queues (each with a lease)",
      200,
      ClaimResponseSchema,
      [404],
    ),
  },
  async ({ db, params, body, config, request, principal }) => {
    await requireAgentOfCaller(db, params.id, principal);
    return json(200, {
      runs: await claimRuns(db, {
        agentId: params.id,
        capacity: body.capacity,
        waitMs: body.waitMs,
        leaseMs: config.agents.leaseMs,
        signal: request.signal,
      }),
    });
  },
);

export const postHeartbeat = route(
  {
    access: "agent",
    params: AgentId,
    body: HeartbeatRequestSchema,
    docs: protocol(
      "heartbeat",
      "Renew the leases of the agent's runs; answers early on a cancel",
      200,
      HeartbeatResponseSchema,
      [404],
    ),
  },
  async ({ db, params, body, config, request, principal }) => {
    await requireAgentOfCaller(db, params.id, principal);
    return json(
      200,
      await heartbeat(db, {
        agentId: params.id,
        runIds: body.runs,
        waitMs: body.waitMs,
        leaseMs: config.agents.leaseMs,
        reattachGraceMs: config.agents.reattachGraceMs,
        signal: request.signal,
      }),
    );
  },
);

export const postStop = route(
  {
    access: "agent",
    params: AgentId,
    body: StopAgentRequestSchema,
    docs: protocol(
      "stopAgent",
      "An agent leaves: hand back the runs it did not start",
      200,
      StopAgentResponseSchema,
      [404],
    ),
  },
  async ({ db, params, body, config, principal }) => {
    await requireAgentOfCaller(db, params.id, principal);
    return json(200, {
      released: await stopAgent(db, params.id, body.release, config.agents),
    });
  },
);

export const postReport = route(
  {
    access: "agent",
    params: RunId,
    body: ReportRequestSchema,
    docs: protocol(
      "reportFlowRun",
      "A numbered batch of a run's states, results and log lines, under its lease",
      200,
      ReportResponseSchema,
      [404, 409],
    ),
  },
  async ({ db, params, body, config, principal }) => {
    // The report's own read checks that the run is held by an agent of this key.
    const options = { leaseMs: config.agents.leaseMs, callerKeyId: principal.keyId };
    return json(200, await applyReport(db, params.id, body, options));
  },
);

export const postCacheLookup = route(
  {
    access: "agent",
    params: RunId,
    body: CacheLookupRequestSchema,
    docs: protocol(
      "lookupCache",
      "Results of earlier runs for these cache keys",
      200,
      CacheLookupResponseSchema,
      [404, 409],
    ),
  },
  async ({ db, params, body, principal }) => {
    await requireRunOfCaller(db, params.id, principal);
    return json(200, await lookupCache(db, params.id, body));
  },
);

export const postEnvironmentLock = route(
  {
    access: "agent",
    params: RunId,
    body: LockReportRequestSchema,
    docs: protocol(
      "reportEnvironmentLock",
      "Record the versions a dependency build resolved (the first report wins)",
      200,
      LockReportResponseSchema,
      [400, 404, 409],
    ),
  },
  async ({ db, params, body, principal }) => {
    await requireRunOfCaller(db, params.id, principal);
    return json(200, await recordEnvironmentLock(db, params.id, body));
  },
);
