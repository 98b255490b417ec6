// For server/audit/audit.int.test.ts: how to make each state-changing /api/v1 route and tRPC
// mutation succeed once, from data made fresh for it, and the audit action it must record.
import {
  BACKFILL_RANGE,
  EVERY_HOUR,
  WEBHOOK,
  auditorPassword,
  backfill,
  deployment,
  deploymentBody,
  failedDelivery,
  failedRun,
  flow,
  flowAndStorage,
  newPassword,
  newSecretName,
  newTag,
  newVariableName,
  notificationRule,
  ownKey,
  pausedDeployment,
  pendingInvite,
  person,
  queue,
  ruleBody,
  schedule,
  scheduledRun,
  secret,
  storageBlock,
  storageBody,
  tagLimit,
  threeTasksBody,
  trigger,
  variable,
} from "./audit-setups.ts";
import type { RestCase } from "./audit-setups.ts";
import { uniqueName } from "./seed.ts";

export type { Made } from "./audit-setups.ts";
export { TRPC_CASES } from "./audit-trpc-cases.ts";

export const REST_CASES: Record<string, RestCase> = {
  "PATCH /api/v1/users/:id": {
    action: "user.role",
    setup: person,
    path: (m) => `/api/v1/users/${m.user}`,
    body: () => ({ role: "editor" }),
  },
  "POST /api/v1/invites": {
    action: "user.invite",
    path: () => "/api/v1/invites",
    body: () => ({ email: `${uniqueName("invitee")}@example.org`, role: "viewer" }),
  },
  "POST /api/v1/invites/:id/revoke": {
    action: "user.inviteRevoke",
    setup: pendingInvite,
    path: (m) => `/api/v1/invites/${m.invite}/revoke`,
  },
  "POST /api/v1/account/password": {
    action: "user.password",
    setup: auditorPassword,
    path: () => "/api/v1/account/password",
    body: newPassword,
  },
  "POST /api/v1/flows": {
    action: "flow.create",
    path: () => "/api/v1/flows",
    body: threeTasksBody,
  },
  "POST /api/v1/deployments": {
    action: "deployment.create",
    setup: flow,
    path: () => "/api/v1/deployments",
    body: deploymentBody,
  },
  "POST /api/v1/deployments/:id/runs": {
    action: "run.create",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/runs`,
    body: () => ({}),
  },
  "POST /api/v1/flow-runs/:id/cancel": {
    action: "run.cancel",
    setup: scheduledRun,
    path: (m) => `/api/v1/flow-runs/${m.run}/cancel`,
  },
  "POST /api/v1/flow-runs/:id/retry": {
    action: "run.replay",
    setup: failedRun,
    path: (m) => `/api/v1/flow-runs/${m.run}/retry`,
  },
  "POST /api/v1/flow-runs/:id/retry-from-failure": {
    action: "run.replay",
    setup: failedRun,
    path: (m) => `/api/v1/flow-runs/${m.run}/retry-from-failure`,
  },
  "POST /api/v1/flow-runs/:id/run-from-task": {
    action: "run.replay",
    setup: failedRun,
    path: (m) => `/api/v1/flow-runs/${m.run}/run-from-task`,
    body: () => ({ task: "report" }),
  },
  "POST /api/v1/work-queues/:name/pause": {
    action: "workQueue.pause",
    setup: queue(false),
    path: (m) => `/api/v1/work-queues/${m.queue}/pause`,
  },
  "POST /api/v1/work-queues/:name/resume": {
    action: "workQueue.resume",
    setup: queue(true),
    path: (m) => `/api/v1/work-queues/${m.queue}/resume`,
  },
  "PATCH /api/v1/work-queues/:name": {
    action: "workQueue.update",
    setup: queue(false),
    path: (m) => `/api/v1/work-queues/${m.queue}`,
    body: () => ({ priority: 5, concurrencyLimit: 3 }),
  },
  "PATCH /api/v1/deployments/:id": {
    action: "deployment.limit",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}`,
    body: () => ({ concurrencyLimit: 2 }),
  },
  "POST /api/v1/deployments/:id/pause": {
    action: "deployment.pause",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/pause`,
  },
  "POST /api/v1/deployments/:id/resume": {
    action: "deployment.resume",
    setup: pausedDeployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/resume`,
  },
  "PUT /api/v1/concurrency-limits/tags/:tag": {
    action: "concurrencyLimit.set",
    setup: newTag,
    path: (m) => `/api/v1/concurrency-limits/tags/${m.tag}`,
    body: () => ({ limit: 2 }),
  },
  "DELETE /api/v1/concurrency-limits/tags/:tag": {
    action: "concurrencyLimit.delete",
    setup: tagLimit,
    path: (m) => `/api/v1/concurrency-limits/tags/${m.tag}`,
  },
  "PUT /api/v1/retention": {
    action: "retention.set",
    path: () => "/api/v1/retention",
    body: () => ({ logsDays: 365 }),
  },
  "PUT /api/v1/deployments/:id/retention": {
    action: "retention.set",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/retention`,
    body: () => ({ resultsDays: 90 }),
  },
  "POST /api/v1/retention/passes": {
    action: "retention.run",
    path: () => "/api/v1/retention/passes",
  },
  "POST /api/v1/api-keys": {
    action: "apiKey.create",
    path: () => "/api/v1/api-keys",
    body: () => ({ name: uniqueName("key") }),
  },
  "POST /api/v1/api-keys/:id/revoke": {
    action: "apiKey.revoke",
    setup: ownKey,
    path: (m) => `/api/v1/api-keys/${m.key}/revoke`,
  },
  "PUT /api/v1/secrets/:name": {
    action: "secret.set",
    setup: newSecretName,
    path: (m) => `/api/v1/secrets/${m.secret}`,
    body: () => ({ value: "never-in-the-audit-log" }),
  },
  "DELETE /api/v1/secrets/:name": {
    action: "secret.delete",
    setup: secret,
    path: (m) => `/api/v1/secrets/${m.secret}`,
  },
  "PUT /api/v1/flows/:name/storage": {
    action: "flow.storage",
    setup: flowAndStorage,
    path: (m) => `/api/v1/flows/${m.flow}/storage`,
    body: (m) => ({ storage: m.storage }),
  },
  "POST /api/v1/storages": {
    action: "storage.create",
    path: () => "/api/v1/storages",
    body: storageBody,
  },
  "DELETE /api/v1/storages/:name": {
    action: "storage.delete",
    setup: storageBlock,
    path: (m) => `/api/v1/storages/${m.storage}`,
  },
  "PUT /api/v1/variables/:name": {
    action: "variable.set",
    setup: newVariableName,
    path: (m) => `/api/v1/variables/${m.variable}`,
    body: () => ({ value: "eu-west-1" }),
  },
  "POST /api/v1/deployments/:id/schedules": {
    action: "schedule.create",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/schedules`,
    body: () => EVERY_HOUR,
  },
  "PUT /api/v1/schedules/:id": {
    action: "schedule.update",
    setup: schedule,
    path: (m) => `/api/v1/schedules/${m.schedule}`,
    body: () => ({ interval: "2h" }),
  },
  "POST /api/v1/schedules/:id/pause": {
    action: "schedule.pause",
    setup: schedule,
    path: (m) => `/api/v1/schedules/${m.schedule}/pause`,
  },
  "POST /api/v1/schedules/:id/resume": {
    action: "schedule.resume",
    setup: schedule,
    path: (m) => `/api/v1/schedules/${m.schedule}/resume`,
  },
  "DELETE /api/v1/schedules/:id": {
    action: "schedule.delete",
    setup: schedule,
    path: (m) => `/api/v1/schedules/${m.schedule}`,
  },
  "POST /api/v1/deployments/:id/triggers": {
    action: "trigger.create",
    setup: deployment,
    path: (m) => `/api/v1/deployments/${m.deployment}/triggers`,
    body: () => WEBHOOK,
  },
  "PATCH /api/v1/triggers/:id": {
    action: "trigger.update",
    setup: trigger,
    path: (m) => `/api/v1/triggers/${m.trigger}`,
    body: () => ({ active: false }),
  },
  "POST /api/v1/triggers/:id/rotate": {
    action: "trigger.rotate",
    setup: trigger,
    path: (m) => `/api/v1/triggers/${m.trigger}/rotate`,
  },
  "DELETE /api/v1/triggers/:id": {
    action: "trigger.delete",
    setup: trigger,
    path: (m) => `/api/v1/triggers/${m.trigger}`,
  },
  "POST /api/v1/notification-rules": {
    action: "notificationRule.create",
    path: () => "/api/v1/notification-rules",
    body: ruleBody,
  },
  "PATCH /api/v1/notification-rules/:id": {
    action: "notificationRule.update",
    setup: notificationRule,
    path: (m) => `/api/v1/notification-rules/${m.rule}`,
    body: () => ({ active: false }),
  },
  "DELETE /api/v1/notification-rules/:id": {
    action: "notificationRule.delete",
    setup: notificationRule,
    path: (m) => `/api/v1/notification-rules/${m.rule}`,
  },
  "POST /api/v1/notification-rules/:id/test": {
    action: "notificationRule.test",
    setup: notificationRule,
    path: (m) => `/api/v1/notification-rules/${m.rule}/test`,
  },
  "POST /api/v1/notification-deliveries/:id/retry": {
    action: "notificationDelivery.retry",
    setup: failedDelivery,
    path: (m) => `/api/v1/notification-deliveries/${m.delivery}/retry`,
  },
  "POST /api/v1/deployments/:id/backfills": {
    action: "backfill.create",
    setup: schedule,
    path: (m) => `/api/v1/deployments/${m.deployment}/backfills`,
    body: (m) => ({ scheduleId: m.schedule, ...BACKFILL_RANGE, maxInFlight: 2 }),
  },
  "POST /api/v1/backfills/:id/cancel": {
    action: "backfill.cancel",
    setup: backfill,
    path: (m) => `/api/v1/backfills/${m.backfill}/cancel`,
  },
  "DELETE /api/v1/variables/:name": {
    action: "variable.delete",
    setup: variable,
    path: (m) => `/api/v1/variables/${m.variable}`,
  },
};

/**
 * State-changing routes that are not audited, and why. The agent protocol records what agents
 * do in the runs' own state history and logs: it is a machine reporting, not a person changing
 * anything, and an event per heartbeat would drown the log.
 */
export const REST_EXEMPT: Record<string, string> = {
  "POST /api/v1/flow-runs/:id/report": "agent protocol",
  "POST /api/v1/flow-runs/:id/cache": "agent protocol (a read of cached results)",
  "POST /api/v1/flow-runs/:id/lock": "agent protocol (the versions a dependency build resolved)",
  "POST /api/v1/flow-runs/:id/storage/upload": "agent protocol (hands out an upload URL)",
  "POST /api/v1/flow-runs/:id/storage/download": "agent protocol (hands out a download URL)",
  "POST /api/v1/flow-runs/:id/artifacts": "agent protocol (the artifacts an attempt uploaded)",
  "PUT /api/v1/storage/local/:token": "an agent's upload by token; the result is in its run",
  "POST /api/v1/agents": "agent protocol",
  "POST /api/v1/agents/:id/claim": "agent protocol",
  "POST /api/v1/agents/:id/heartbeat": "agent protocol",
  "POST /api/v1/agents/:id/stop": "agent protocol",
  // A POST only because its input is a body: it computes the next times and stores nothing.
  "POST /api/v1/schedules/preview": "changes nothing",
  // No key, no user: its run.create names the trigger as actor (server/triggers/webhook.int.test.ts).
  "POST /api/v1/hooks/:token": "public by token; audited as run.create by trigger:<name>",
  "POST /api/v1/backfills/preview": "changes nothing",
};
