import * as z from "zod";
import { CreateDeploymentRequestSchema } from "../../../contract/api-v1.ts";
import { deploy } from "../../deployments/create-deployment.ts";
import { listDeployments } from "../../deployments/get-deployment.ts";
import { lastRunPerDeployment } from "../../deployments/last-runs.ts";
import { editProcedure, readProcedure, router } from "../init.ts";

export const deploymentsRouter = router({
  list: readProcedure
    .input(z.object({ flow: z.string().max(100).optional() }).default({}))
    .query(({ ctx, input }) => listDeployments(ctx.db, input)),

  /** Each deployment's last run, by deployment id (the deployments page). */
  lastRuns: readProcedure.query(({ ctx }) =>
    lastRunPerDeployment(ctx.db, { lateAfterMs: ctx.config.lateAfterMs }),
  ),

  /**
   * Deploys the flow's latest version (or updates the deployment of that name), with the
   * warnings of why no agent would take its runs now.
   */
  create: editProcedure
    .input(CreateDeploymentRequestSchema)
    .mutation(({ ctx, input }) =>
      deploy(ctx.db, input, { leaseMs: ctx.config.agents.leaseMs, actor: ctx.actor }),
    ),
});
