// For server/audit/audit.int.test.ts: how to make each state-changing /api/v1 route and tRPC
// mutation succeed once, from data made fresh for it, and the audit action it must record.
import type { AuditAction } from "../../contract/api-v1/audit.ts";
import { SYSTEM_ACTOR } from "../../server/audit/actor.ts";
import { hashPassword } from "../../server/auth/passwords.ts";
import { generateToken, hashSecret } from "../../server/auth/secrets.ts";
import type { Db } from "../../server/db/client.ts";
import { setWorkQueuePaused } from "../../server/queues/pause-work-queue.ts";
import { setDeploymentPaused } from "../../server/deployments/deployment-settings.ts";
import { setTagLimit } from "../../server/limits/tag-limits.ts";
import { createSchedule } from "../../server/schedules/save-schedule.ts";
import { createTrigger } from "../../server/triggers/save-trigger.ts";
import { createRule } from "../../server/notifications/save-rule.ts";
import { createBackfill } from "../../server/backfills/create-backfill.ts";
import { getSecretKey } from "../../server/secrets/secret-key.ts";
import { setSecret } from "../../server/secrets/set-secret.ts";
import { setVariable } from "../../server/variables/set-variable.ts";
import { seedDeployment, seedFlow, seedRun, seedRunIn, threeTasks, uniqueName } from "./seed.ts";

/** What a case's setup made: ids and names the call fills in. */
export type Made = Record<string, string>;

export type RestCase = {
  action: AuditAction;
  setup?: (db: Db) => Promise<Made>;
  path: (made: Made) => string;
  body?: (made: Made) => unknown;
};

export type TrpcCase = {
  action: AuditAction;
  setup?: (db: Db) => Promise<Made>;
  input: (made: Made) => unknown;
};

const flow = async (db: Db): Promise<Made> => ({ flow: (await seedFlow(db)).name });
const deployment = async (db: Db): Promise<Made> => {
  const { flow, deploymentId } = await seedDeployment(db, threeTasks(), uniqueName("q"));
  return { flow: flow.name, deployment: deploymentId };
};
const scheduledRun = async (db: Db): Promise<Made> => ({ run: (await seedRun(db)).runId });
const failedRun = async (db: Db): Promise<Made> => {
  const { deploymentId } = await seedDeployment(db);
  return { run: await seedRunIn(db, deploymentId, "Failed") };
};
const queue = (paused: boolean) => async (db: Db) => {
  const queue = uniqueName("q");
  await seedDeployment(db, threeTasks(), queue);
  if (paused) await setWorkQueuePaused(db, queue, true, SYSTEM_ACTOR);
  return { queue };
};
const secret = async (db: Db): Promise<Made> => {
  const name = `S_${uniqueName("s").slice(2).toUpperCase().replace("-", "_")}`;
  await setSecret(db, getSecretKey(), { name, value: "a-secret-value" });
  return { secret: name };
};
const variable = async (db: Db): Promise<Made> => {
  const name = `v_${uniqueName("v").replace("-", "_")}`;
  await setVariable(db, { name, value: 1 });
  return { variable: name };
};
const newSecretName = async (): Promise<Made> => ({
  secret: `S_${uniqueName("s").slice(2).toUpperCase().replace("-", "_")}`,
});
const newVariableName = async (): Promise<Made> => ({
  variable: `v_${uniqueName("v").replace("-", "_")}`,
});
const EVERY_HOUR = { interval: "1h" };
const schedule = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  const { id } = await createSchedule(db, made.deployment!, {
    ...EVERY_HOUR,
    active: true,
    parameters: {},
    timezone: "UTC",
  });
  return { ...made, schedule: id };
};
const WEBHOOK = { name: "hook", kind: "webhook", active: true, map: {} } as const;
const trigger = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  const { trigger } = await createTrigger(db, made.deployment!, WEBHOOK);
  return { ...made, trigger: trigger.id };
};

// Nothing listens there: the cases store rules and deliveries, no sender runs.
const HOOK = "http://127.0.0.1:9/hook";
const ruleBody = () => ({ name: uniqueName("rule"), events: ["failed"], url: HOOK });
const notificationRule = async (db: Db): Promise<Made> => {
  const { id } = await createRule(db, { ...ruleBody(), events: ["failed"], active: true });
  return { rule: id };
};
const failedDelivery = async (db: Db): Promise<Made> => {
  const { rule } = await notificationRule(db);
  const delivery = await db.notificationDelivery.create({
    data: { ruleId: rule!, event: "test", payload: { text: "test" }, status: "failed" },
  });
  return { rule: rule!, delivery: delivery.id };
};

const BACKFILL_RANGE = { from: "2026-11-01T00:00:00Z", to: "2026-11-01T02:00:00Z" };
const backfill = async (db: Db): Promise<Made> => {
  const made = await schedule(db);
  const { id } = await createBackfill(db, made.deployment!, {
    scheduleId: made.schedule!,
    ...BACKFILL_RANGE,
    maxInFlight: 1,
  });
  return { ...made, backfill: id };
};
const pausedDeployment = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  await setDeploymentPaused(db, made.deployment!, true, SYSTEM_ACTOR);
  return made;
};
const newTag = async (): Promise<Made> => ({ tag: uniqueName("tag") });
const tagLimit = async (db: Db): Promise<Made> => {
  const tag = uniqueName("tag");
  await setTagLimit(db, tag, 2, SYSTEM_ACTOR);
  return { tag };
};

/** Another person, a viewer, whose role a case changes. */
const person = async (db: Db): Promise<Made> => {
  const user = await db.user.create({ data: { name: uniqueName("person"), role: "viewer" } });
  return { user: user.id };
};
/** A pending invitation, to revoke. */
const pendingInvite = async (db: Db): Promise<Made> => {
  const invite = await db.invite.create({
    data: {
      email: `${uniqueName("invitee")}@example.org`,
      role: "viewer",
      tokenHash: hashSecret(generateToken()),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  return { invite: invite.id };
};
/** The calling admin (the audit test's "auditor-…") gets a password to change. */
export const AUDITOR_PASSWORD = "the auditor's password, long enough";
const auditorPassword = async (db: Db): Promise<Made> => {
  const auditor = await db.user.findFirstOrThrow({ where: { name: { startsWith: "auditor-" } } });
  await db.user.update({
    where: { id: auditor.id },
    data: {
      passwordHash: await hashPassword(AUDITOR_PASSWORD),
      email: auditor.email ?? `${auditor.name}@example.org`,
    },
  });
  return {};
};
const newPassword = () => ({
  currentPassword: AUDITOR_PASSWORD,
  newPassword: "another password, long enough",
});

/** `key` is filled in by the test: a key of the calling user, to revoke. */
const ownKey = async (): Promise<Made> => ({ key: "" });

const deploymentBody = (m: Made) => ({ flow: m.flow, name: uniqueName("d"), workQueue: "default" });

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

export const TRPC_CASES: Record<string, TrpcCase> = {
  "users.update": {
    action: "user.role",
    setup: person,
    input: (m) => ({ id: m.user, change: { role: "operator" } }),
  },
  "invites.create": {
    action: "user.invite",
    input: () => ({
      email: `${uniqueName("invitee")}@example.org`,
      role: "viewer",
      origin: "http://studio.example:4200",
    }),
  },
  "invites.revoke": {
    action: "user.inviteRevoke",
    setup: pendingInvite,
    input: (m) => ({ id: m.invite }),
  },
  "account.changePassword": { action: "user.password", setup: auditorPassword, input: newPassword },
  "flows.save": { action: "flow.create", input: () => ({ flow: threeTasks() }) },
  "flows.create": { action: "flow.create", input: () => ({ name: uniqueName() }) },
  "flows.rename": {
    action: "flow.rename",
    setup: flow,
    input: (m) => ({ name: m.flow, newName: uniqueName() }),
  },
  "flows.delete": { action: "flow.delete", setup: flow, input: (m) => ({ name: m.flow }) },
  "flows.import": {
    action: "flow.create",
    input: () => ({ text: JSON.stringify(threeTasks()), format: "json" }),
  },
  "deployments.create": { action: "deployment.create", setup: flow, input: deploymentBody },
  "runs.create": {
    action: "run.create",
    setup: deployment,
    input: (m) => ({ deploymentId: m.deployment }),
  },
  "runs.runCell": {
    action: "run.cell",
    setup: flow,
    input: (m) => ({ flow: m.flow, version: 1, task: "extract" }),
  },
  "runs.cancel": { action: "run.cancel", setup: scheduledRun, input: (m) => ({ id: m.run }) },
  "runs.replay": {
    action: "run.replay",
    setup: failedRun,
    input: (m) => ({ id: m.run, kind: "retry" }),
  },
  "queues.pause": {
    action: "workQueue.pause",
    setup: queue(false),
    input: (m) => ({ name: m.queue }),
  },
  "queues.resume": {
    action: "workQueue.resume",
    setup: queue(true),
    input: (m) => ({ name: m.queue }),
  },
  "queues.update": {
    action: "workQueue.update",
    setup: queue(false),
    input: (m) => ({ name: m.queue, change: { concurrencyLimit: null } }),
  },
  "limits.set": {
    action: "concurrencyLimit.set",
    setup: newTag,
    input: (m) => ({ tag: m.tag, limit: 1 }),
  },
  "limits.remove": {
    action: "concurrencyLimit.delete",
    setup: tagLimit,
    input: (m) => ({ tag: m.tag }),
  },
  "deploymentSettings.pause": {
    action: "deployment.pause",
    setup: deployment,
    input: (m) => ({ id: m.deployment }),
  },
  "deploymentSettings.resume": {
    action: "deployment.resume",
    setup: pausedDeployment,
    input: (m) => ({ id: m.deployment }),
  },
  "deploymentSettings.setLimit": {
    action: "deployment.limit",
    setup: deployment,
    input: (m) => ({ id: m.deployment, concurrencyLimit: 4 }),
  },
  "apiKeys.create": { action: "apiKey.create", input: () => ({ name: uniqueName("key") }) },
  "apiKeys.revoke": { action: "apiKey.revoke", setup: ownKey, input: (m) => ({ id: m.key }) },
  "secrets.set": {
    action: "secret.set",
    setup: newSecretName,
    input: (m) => ({ name: m.secret, value: "never-in-the-audit-log" }),
  },
  "secrets.remove": { action: "secret.delete", setup: secret, input: (m) => ({ name: m.secret }) },
  "variables.set": {
    action: "variable.set",
    setup: newVariableName,
    input: (m) => ({ name: m.variable, value: 2 }),
  },
  "schedules.create": {
    action: "schedule.create",
    setup: deployment,
    input: (m) => ({ deploymentId: m.deployment, schedule: EVERY_HOUR }),
  },
  "schedules.update": {
    action: "schedule.update",
    setup: schedule,
    input: (m) => ({ id: m.schedule, schedule: { cron: "0 * * * *" } }),
  },
  "schedules.setActive": {
    action: "schedule.pause",
    setup: schedule,
    input: (m) => ({ id: m.schedule, active: false }),
  },
  "schedules.remove": {
    action: "schedule.delete",
    setup: schedule,
    input: (m) => ({ id: m.schedule }),
  },
  "triggers.create": {
    action: "trigger.create",
    setup: deployment,
    input: (m) => ({ deploymentId: m.deployment, trigger: WEBHOOK }),
  },
  "triggers.update": {
    action: "trigger.update",
    setup: trigger,
    input: (m) => ({ id: m.trigger, patch: { name: "renamed" } }),
  },
  "triggers.rotate": {
    action: "trigger.rotate",
    setup: trigger,
    input: (m) => ({ id: m.trigger }),
  },
  "triggers.remove": {
    action: "trigger.delete",
    setup: trigger,
    input: (m) => ({ id: m.trigger }),
  },
  "notifications.create": { action: "notificationRule.create", input: ruleBody },
  "notifications.update": {
    action: "notificationRule.update",
    setup: notificationRule,
    input: (m) => ({ id: m.rule, patch: { events: ["failed", "crashed"] } }),
  },
  "notifications.remove": {
    action: "notificationRule.delete",
    setup: notificationRule,
    input: (m) => ({ id: m.rule }),
  },
  "notifications.test": {
    action: "notificationRule.test",
    setup: notificationRule,
    input: (m) => ({ id: m.rule }),
  },
  "notifications.retry": {
    action: "notificationDelivery.retry",
    setup: failedDelivery,
    input: (m) => ({ id: m.delivery }),
  },
  "backfills.create": {
    action: "backfill.create",
    setup: schedule,
    input: (m) => ({
      deploymentId: m.deployment,
      backfill: { scheduleId: m.schedule, ...BACKFILL_RANGE },
    }),
  },
  "backfills.cancel": {
    action: "backfill.cancel",
    setup: backfill,
    input: (m) => ({ id: m.backfill }),
  },
  "variables.remove": {
    action: "variable.delete",
    setup: variable,
    input: (m) => ({ name: m.variable }),
  },
};

function threeTasksBody() {
  return threeTasks();
}
