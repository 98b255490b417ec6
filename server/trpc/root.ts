// The studio's API: one router per domain, each a thin layer over server/<domain>.
import { router } from "./init.ts";
import { deploymentsRouter } from "./routers/deployments.ts";
import { flowsRouter } from "./routers/flows.ts";
import { logsRouter } from "./routers/logs.ts";
import { runsRouter } from "./routers/runs.ts";

export const appRouter = router({
  flows: flowsRouter,
  deployments: deploymentsRouter,
  runs: runsRouter,
  logs: logsRouter,
});

export type AppRouter = typeof appRouter;
