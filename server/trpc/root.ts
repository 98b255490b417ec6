// The studio's API: one router per domain, each a thin layer over server/<domain>.
import { router } from "./init.ts";
import { agentsRouter } from "./routers/agents.ts";
import { apiKeysRouter } from "./routers/api-keys.ts";
import { auditRouter } from "./routers/audit.ts";
import { dashboardRouter } from "./routers/dashboard.ts";
import { deploymentsRouter } from "./routers/deployments.ts";
import { flowsRouter } from "./routers/flows.ts";
import { runPageRouter } from "./routers/run-page.ts";
import { queuesRouter } from "./routers/queues.ts";
import { logsRouter } from "./routers/logs.ts";
import { deploymentSettingsRouter, limitsRouter } from "./routers/limits.ts";
import { retentionRouter } from "./routers/retention.ts";
import { runsRouter } from "./routers/runs.ts";
import { schedulesRouter } from "./routers/schedules.ts";
import { triggersRouter } from "./routers/triggers.ts";
import { notificationsRouter } from "./routers/notifications.ts";
import { backfillsRouter } from "./routers/backfills.ts";
import { secretsRouter, variablesRouter } from "./routers/secrets.ts";
import { storagesRouter } from "./routers/storages.ts";
import { accountRouter, invitesRouter, usersRouter } from "./routers/users.ts";

export const appRouter = router({
  flows: flowsRouter,
  deployments: deploymentsRouter,
  runs: runsRouter,
  runPage: runPageRouter,
  queues: queuesRouter,
  agents: agentsRouter,
  apiKeys: apiKeysRouter,
  logs: logsRouter,
  dashboard: dashboardRouter,
  secrets: secretsRouter,
  variables: variablesRouter,
  storages: storagesRouter,
  users: usersRouter,
  invites: invitesRouter,
  account: accountRouter,
  audit: auditRouter,
  schedules: schedulesRouter,
  limits: limitsRouter,
  retention: retentionRouter,
  deploymentSettings: deploymentSettingsRouter,
  triggers: triggersRouter,
  notifications: notificationsRouter,
  backfills: backfillsRouter,
});

export type AppRouter = typeof appRouter;
