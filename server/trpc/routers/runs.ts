import { z } from "zod";
import { listFlowRuns } from "../../runs/list-flow-runs.ts";
import { router, userProcedure } from "../init.ts";

export const runsRouter = router({
  list: userProcedure
    .input(
      z.object({ limit: z.int().min(1).max(200).default(50), before: z.iso.datetime().optional() }),
    )
    .query(({ ctx, input }) =>
      listFlowRuns(ctx.db, {
        limit: input.limit,
        before: input.before ? new Date(input.before) : undefined,
        lateAfterMs: ctx.config.lateAfterMs,
      }),
    ),
});
