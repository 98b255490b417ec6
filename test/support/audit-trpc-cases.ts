// For server/audit/audit.int.test.ts: how to make each tRPC mutation succeed once, and the audit
// action it must record (the REST routes: audit-cases.ts).
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
  trigger,
  variable,
} from "./audit-setups.ts";
import type { TrpcCase } from "./audit-setups.ts";
import { threeTasks, uniqueName } from "./seed.ts";

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
  "retention.setGlobal": {
    action: "retention.set",
    input: () => ({ resultsDays: 365 }),
  },
  "retention.setDeployment": {
    action: "retention.set",
    setup: deployment,
    input: (m) => ({ deploymentId: m.deployment, logsDays: 90 }),
  },
  "retention.runNow": {
    action: "retention.run",
    input: () => undefined,
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
  "flows.setStorage": {
    action: "flow.storage",
    setup: flowAndStorage,
    input: (m) => ({ name: m.flow, storage: m.storage }),
  },
  "storages.create": { action: "storage.create", input: storageBody },
  "storages.remove": {
    action: "storage.delete",
    setup: storageBlock,
    input: (m) => ({ name: m.storage }),
  },
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
