// The studio's API: one router per domain, each a thin layer over server/<domain>.
import { router } from "./init.ts";
import { dashboardRouter } from "./routers/dashboard.ts";
import { deploymentsRouter } from "./routers/deployments.ts";
import { flowsRouter } from "./routers/flows.ts";
import { runsRouter } from "./routers/runs.ts";

export const appRouter = router({
  flows: flowsRouter,
  deployments: deploymentsRouter,
  runs: runsRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;
