import * as z from "zod";
import { PutRetentionRequestSchema } from "../../../contract/api-v1.ts";
import { runRetentionNow } from "../../retention/run-retention-now.ts";
import { setDeploymentRetention, setGlobalRetention } from "../../retention/set-retention.ts";
import { getRetention } from "../../retention/get-retention.ts";
import { adminProcedure, readProcedure, router } from "../init.ts";

/** The settings page's Retention section: limits, a deployment's own, the last pass, Run now. */
export const retentionRouter = router({
  get: readProcedure.query(({ ctx }) => getRetention(ctx.db)),

  setGlobal: adminProcedure
    .input(PutRetentionRequestSchema)
    .mutation(({ ctx, input }) => setGlobalRetention(ctx.db, input, ctx.actor)),

  setDeployment: adminProcedure
    .input(PutRetentionRequestSchema.extend({ deploymentId: z.string().max(100) }))
    .mutation(({ ctx, input: { deploymentId, ...change } }) =>
      setDeploymentRetention(ctx.db, deploymentId, change, ctx.actor),
    ),

  runNow: adminProcedure.mutation(({ ctx }) => runRetentionNow(ctx.db, ctx.actor)),
});
