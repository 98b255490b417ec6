// Every HTTP endpoint of the API in one table: path patterns to the thin handlers of server/api.
// Two transports serve it: in production the launcher hands /api/v1, /api/health and /agent
// requests straight to `dispatch` (a plain Node request, no page framework: ~2 ms less per call,
// on the dispatch path of every run); under `next dev` Next.js's catch-all routes call the same
// `dispatch`. The OpenAPI document is made from this table too. One table, so none of them can
// disagree.
import { getAgentBundle } from "./agent-bundle.ts";
import { getHealth } from "./health.ts";
import { route, type DocumentedEndpoint } from "./handler.ts";
import { errorBody, json } from "./respond.ts";
import {
  postAgent,
  postCacheLookup,
  postEnvironmentLock,
  postClaim,
  postHeartbeat,
  postReport,
  postStop,
} from "./v1/agents.ts";
import {
  getDeploymentById,
  getDeployments,
  postDeployment,
  postFlowRun,
} from "./v1/deployments.ts";
import {
  getFlowRunById,
  getFlowRunHistory,
  getFlowRunWait,
  postCancelFlowRun,
} from "./v1/flow-runs.ts";
import { getFlowRunLogDownload, getFlowRunLogs } from "./v1/logs.ts";
import { getTaskItems } from "./v1/task-items.ts";
import { getArtifact, getArtifacts, postArtifactsRecord } from "./v1/artifacts.ts";
import { getFlowRuns } from "./v1/flow-runs-list.ts";
import { getFlows, getFlowVersion, importFlow } from "./v1/flows.ts";
import { getTaskRun, getTaskRunResult } from "./v1/task-runs.ts";
import { getReplayPlan, postRetry, postRetryFromFailure, postRunFromTask } from "./v1/replays.ts";
import { getAgents } from "./v1/agents-admin.ts";
import { getApiKeys, postApiKey, postRevokeApiKey } from "./v1/api-keys.ts";
import { getAuditEvents } from "./v1/audit.ts";
import {
  getInvites,
  getUsers,
  patchUser,
  postChangePassword,
  postInvite,
  postRevokeInvite,
} from "./v1/users.ts";
import { getConcurrencyLimits, deleteTagLimitRoute, putTagLimit } from "./v1/concurrency-limits.ts";
import {
  patchDeployment,
  postPauseDeployment,
  postResumeDeployment,
} from "./v1/deployment-settings.ts";
import {
  patchWorkQueue,
  getWorkQueueByName,
  getWorkQueuePreview,
  getWorkQueues,
  postPauseWorkQueue,
  postResumeWorkQueue,
} from "./v1/work-queues.ts";
import {
  getRetentionRoute,
  postRetentionPass,
  putDeploymentRetention,
  putRetention,
} from "./v1/retention.ts";
import { buildOpenApiDocument, OpenApiDocumentSchema } from "./v1/openapi.ts";
import { getRunTaskContext } from "./v1/run-context.ts";
import { deleteSecretRoute, getSecret, getSecrets, putSecret } from "./v1/secrets.ts";
import {
  deleteVariableRoute,
  getVariableHistoryRoute,
  getVariableRoute,
  getVariables,
  putVariable,
} from "./v1/variables.ts";
import {
  deleteScheduleRoute,
  getDeploymentSchedules,
  postDeploymentSchedule,
  postPauseSchedule,
  postResumeSchedule,
  postSchedulePreview,
  putSchedule,
} from "./v1/schedules.ts";
import {
  deleteTriggerRoute,
  getDeploymentTriggers,
  getTriggerFirings,
  patchTrigger,
  postDeploymentTrigger,
  postRotateTrigger,
  postWebhook,
} from "./v1/triggers.ts";
import {
  deleteNotificationRule,
  getNotificationRuleDeliveries,
  getNotificationRules,
  patchNotificationRule,
  postNotificationRule,
  postNotificationRuleTest,
  postRetryNotificationDelivery,
} from "./v1/notifications.ts";
import {
  getBackfillById,
  getBackfills,
  postBackfillPreview,
  postCancelBackfill,
  postDeploymentBackfill,
} from "./v1/backfills.ts";

import { deleteStorageRoute, getStorages, postStorage } from "./v1/storages.ts";
import { getFlowStorageRoute, putFlowStorageRoute } from "./v1/flow-storage.ts";
import {
  getLocalObject,
  postStorageDownload,
  postStorageUpload,
  putLocalObject,
} from "./v1/storage-transfers.ts";

export type RouteEntry = [method: string, pattern: string, endpoint: DocumentedEndpoint];

let openApiDocument: Record<string, unknown> | undefined;
const getOpenApi = route(
  {
    access: "public",
    docs: {
      operationId: "getOpenApiDocument",
      summary: "This document",
      tag: "Server",
      responses: {
        200: { description: "The OpenAPI 3.1 document", schema: OpenApiDocumentSchema },
      },
      errors: [],
    },
  },
  async () => {
    openApiDocument ??= buildOpenApiDocument(TABLE);
    return json(200, openApiDocument);
  },
);

export const TABLE: RouteEntry[] = [
  ["GET", "/api/health", getHealth],
  ["GET", "/api/v1/openapi.json", getOpenApi],
  ["POST", "/api/v1/flows", importFlow],
  ["GET", "/api/v1/flows", getFlows],
  ["GET", "/api/v1/flows/:name/versions/:version", getFlowVersion],
  ["GET", "/api/v1/flows/:name/storage", getFlowStorageRoute],
  ["PUT", "/api/v1/flows/:name/storage", putFlowStorageRoute],
  ["POST", "/api/v1/deployments", postDeployment],
  ["GET", "/api/v1/deployments", getDeployments],
  ["GET", "/api/v1/deployments/:id", getDeploymentById],
  ["POST", "/api/v1/deployments/:id/runs", postFlowRun],
  ["GET", "/api/v1/flow-runs", getFlowRuns],
  ["GET", "/api/v1/flow-runs/:id", getFlowRunById],
  ["GET", "/api/v1/flow-runs/:id/logs", getFlowRunLogs],
  ["GET", "/api/v1/flow-runs/:id/logs/download", getFlowRunLogDownload],
  ["GET", "/api/v1/flow-runs/:id/history", getFlowRunHistory],
  ["GET", "/api/v1/flow-runs/:id/wait", getFlowRunWait],
  ["POST", "/api/v1/flow-runs/:id/cancel", postCancelFlowRun],
  ["GET", "/api/v1/flow-runs/:id/tasks/:task", getTaskRun],
  ["GET", "/api/v1/flow-runs/:id/tasks/:task/result", getTaskRunResult],
  ["GET", "/api/v1/flow-runs/:id/tasks/:task/items", getTaskItems],
  ["POST", "/api/v1/flow-runs/:id/retry", postRetry],
  ["POST", "/api/v1/flow-runs/:id/retry-from-failure", postRetryFromFailure],
  ["POST", "/api/v1/flow-runs/:id/run-from-task", postRunFromTask],
  ["GET", "/api/v1/flow-runs/:id/replay-plan", getReplayPlan],
  ["POST", "/api/v1/flow-runs/:id/report", postReport],
  ["POST", "/api/v1/flow-runs/:id/cache", postCacheLookup],
  ["POST", "/api/v1/flow-runs/:id/lock", postEnvironmentLock],
  ["POST", "/api/v1/flow-runs/:id/storage/upload", postStorageUpload],
  ["POST", "/api/v1/flow-runs/:id/storage/download", postStorageDownload],
  ["GET", "/api/v1/flow-runs/:id/artifacts", getArtifacts],
  ["POST", "/api/v1/flow-runs/:id/artifacts", postArtifactsRecord],
  ["GET", "/api/v1/flow-runs/:id/artifacts/:artifactId", getArtifact],
  ["PUT", "/api/v1/storage/local/:token", putLocalObject],
  ["GET", "/api/v1/storage/local/:token", getLocalObject],
  ["GET", "/api/v1/storages", getStorages],
  ["POST", "/api/v1/storages", postStorage],
  ["DELETE", "/api/v1/storages/:name", deleteStorageRoute],
  ["GET", "/api/v1/work-queues", getWorkQueues],
  ["GET", "/api/v1/work-queues/:name", getWorkQueueByName],
  ["GET", "/api/v1/work-queues/:name/preview", getWorkQueuePreview],
  ["POST", "/api/v1/work-queues/:name/pause", postPauseWorkQueue],
  ["POST", "/api/v1/work-queues/:name/resume", postResumeWorkQueue],
  ["PATCH", "/api/v1/work-queues/:name", patchWorkQueue],
  ["PATCH", "/api/v1/deployments/:id", patchDeployment],
  ["POST", "/api/v1/deployments/:id/pause", postPauseDeployment],
  ["POST", "/api/v1/deployments/:id/resume", postResumeDeployment],
  ["PUT", "/api/v1/deployments/:id/retention", putDeploymentRetention],
  ["GET", "/api/v1/retention", getRetentionRoute],
  ["PUT", "/api/v1/retention", putRetention],
  ["POST", "/api/v1/retention/passes", postRetentionPass],
  ["GET", "/api/v1/concurrency-limits", getConcurrencyLimits],
  ["PUT", "/api/v1/concurrency-limits/tags/:tag", putTagLimit],
  ["DELETE", "/api/v1/concurrency-limits/tags/:tag", deleteTagLimitRoute],
  ["GET", "/api/v1/agents", getAgents],
  ["POST", "/api/v1/agents", postAgent],
  ["POST", "/api/v1/agents/:id/claim", postClaim],
  ["POST", "/api/v1/agents/:id/heartbeat", postHeartbeat],
  ["POST", "/api/v1/agents/:id/stop", postStop],
  ["GET", "/api/v1/api-keys", getApiKeys],
  ["POST", "/api/v1/api-keys", postApiKey],
  ["POST", "/api/v1/api-keys/:id/revoke", postRevokeApiKey],
  ["GET", "/api/v1/users", getUsers],
  ["PATCH", "/api/v1/users/:id", patchUser],
  ["GET", "/api/v1/invites", getInvites],
  ["POST", "/api/v1/invites", postInvite],
  ["POST", "/api/v1/invites/:id/revoke", postRevokeInvite],
  ["POST", "/api/v1/account/password", postChangePassword],
  ["GET", "/api/v1/run-context/tasks/:task", getRunTaskContext],
  ["GET", "/api/v1/secrets", getSecrets],
  ["GET", "/api/v1/secrets/:name", getSecret],
  ["PUT", "/api/v1/secrets/:name", putSecret],
  ["DELETE", "/api/v1/secrets/:name", deleteSecretRoute],
  ["GET", "/api/v1/variables", getVariables],
  ["GET", "/api/v1/variables/:name", getVariableRoute],
  ["GET", "/api/v1/variables/:name/history", getVariableHistoryRoute],
  ["PUT", "/api/v1/variables/:name", putVariable],
  ["DELETE", "/api/v1/variables/:name", deleteVariableRoute],
  ["GET", "/api/v1/audit-events", getAuditEvents],
  ["POST", "/api/v1/schedules/preview", postSchedulePreview],
  ["GET", "/api/v1/deployments/:id/schedules", getDeploymentSchedules],
  ["POST", "/api/v1/deployments/:id/schedules", postDeploymentSchedule],
  ["PUT", "/api/v1/schedules/:id", putSchedule],
  ["POST", "/api/v1/schedules/:id/pause", postPauseSchedule],
  ["POST", "/api/v1/schedules/:id/resume", postResumeSchedule],
  ["DELETE", "/api/v1/schedules/:id", deleteScheduleRoute],
  ["GET", "/api/v1/deployments/:id/triggers", getDeploymentTriggers],
  ["POST", "/api/v1/deployments/:id/triggers", postDeploymentTrigger],
  ["PATCH", "/api/v1/triggers/:id", patchTrigger],
  ["DELETE", "/api/v1/triggers/:id", deleteTriggerRoute],
  ["POST", "/api/v1/triggers/:id/rotate", postRotateTrigger],
  ["GET", "/api/v1/triggers/:id/firings", getTriggerFirings],
  ["POST", "/api/v1/hooks/:token", postWebhook],
  ["GET", "/api/v1/notification-rules", getNotificationRules],
  ["POST", "/api/v1/notification-rules", postNotificationRule],
  ["PATCH", "/api/v1/notification-rules/:id", patchNotificationRule],
  ["DELETE", "/api/v1/notification-rules/:id", deleteNotificationRule],
  ["POST", "/api/v1/notification-rules/:id/test", postNotificationRuleTest],
  ["GET", "/api/v1/notification-rules/:id/deliveries", getNotificationRuleDeliveries],
  ["POST", "/api/v1/notification-deliveries/:id/retry", postRetryNotificationDelivery],
  ["POST", "/api/v1/backfills/preview", postBackfillPreview],
  ["POST", "/api/v1/deployments/:id/backfills", postDeploymentBackfill],
  ["GET", "/api/v1/backfills", getBackfills],
  ["GET", "/api/v1/backfills/:id", getBackfillById],
  ["POST", "/api/v1/backfills/:id/cancel", postCancelBackfill],
  ["GET", "/agent/pipebook-agent.mjs", getAgentBundle],
];

const ROUTES = TABLE.map(([method, pattern, endpoint]) => ({
  method,
  segments: pattern.split("/").slice(1),
  handler: endpoint.handle,
}));

/** Whether this transport should hand the path to `dispatch`. */
export function isApiPath(pathname: string): boolean {
  return (
    pathname.startsWith("/api/v1/") || pathname === "/api/health" || pathname.startsWith("/agent/")
  );
}

function match(pathname: string): { routes: typeof ROUTES; params: Record<string, string> }[] {
  let parts: string[];
  try {
    parts = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return [];
  }
  const found: { routes: typeof ROUTES; params: Record<string, string> }[] = [];
  for (const route of ROUTES) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = route.segments.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = parts[i]!;
        return true;
      }
      return segment === parts[i];
    });
    if (ok) found.push({ routes: [route], params });
  }
  return found;
}

export async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const matches = match(pathname);
  const method = request.method === "HEAD" ? "GET" : request.method;
  const hit = matches.find((m) => m.routes[0]!.method === method);
  if (hit) return hit.routes[0]!.handler(request, { params: Promise.resolve(hit.params) });
  if (matches.length) {
    const allowed = [...new Set(matches.map((m) => m.routes[0]!.method))].join(", ");
    return json(
      405,
      errorBody(
        "method_not_allowed",
        `${request.method} is not allowed on ${pathname} (allowed: ${allowed})`,
      ),
      {
        allow: allowed,
      },
    );
  }
  return json(
    404,
    errorBody(
      "not_found",
      `no such endpoint: ${request.method} ${pathname} (see /api/v1/openapi.json)`,
    ),
  );
}
