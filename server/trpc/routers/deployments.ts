import { z } from "zod";
import { CreateDeploymentRequestSchema } from "../../../contract/api-v1.ts";
import { createDeployment } from "../../deployments/create-deployment.ts";
import { getDeployment, listDeployments } from "../../deployments/get-deployment.ts";
import { lastRunPerDeployment } from "../../deployments/last-runs.ts";
import { router, userProcedure } from "../init.ts";

export const deploymentsRouter = router({
  list: userProcedure
    .input(z.object({ flow: z.string().optional() }).default({}))
    .query(({ ctx, input }) => listDeployments(ctx.db, input)),

  /** Each deployment's last run, by deployment id (the deployments page). */
  lastRuns: userProcedure.query(({ ctx }) =>
    lastRunPerDeployment(ctx.db, { lateAfterMs: ctx.config.lateAfterMs }),
  ),

  /** Deploys the flow's latest version (or updates the deployment of that name). */
  create: userProcedure.input(CreateDeploymentRequestSchema).mutation(async ({ ctx, input }) => {
    const { id, created } = await createDeployment(ctx.db, input);
    return { ...(await getDeployment(ctx.db, id)), created };
  }),
});
