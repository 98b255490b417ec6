// The home dashboard (server/dashboard): the last day's runs by hour and state, recent failures
// with their failing task, late runs, the slowest flows.
import * as z from "zod";
import { lateRuns } from "../../dashboard/late-runs.ts";
import { recentFailures } from "../../dashboard/recent-failures.ts";
import { runsByHour } from "../../dashboard/runs-by-hour.ts";
import { slowestFlows } from "../../dashboard/slowest-flows.ts";
import { readProcedure, router } from "../init.ts";

export const dashboardRouter = router({
  runsByHour: readProcedure.query(({ ctx }) =>
    runsByHour(ctx.db, { lateAfterMs: ctx.config.lateAfterMs }),
  ),
  recentFailures: readProcedure.query(({ ctx }) =>
    recentFailures(ctx.db, { lateAfterMs: ctx.config.lateAfterMs }),
  ),
  lateRuns: readProcedure.query(({ ctx }) =>
    lateRuns(ctx.db, { lateAfterMs: ctx.config.lateAfterMs }),
  ),
  slowestFlows: readProcedure
    .input(z.object({ days: z.int().min(1).max(90).default(7) }).default({ days: 7 }))
    .query(({ ctx, input }) => slowestFlows(ctx.db, { days: input.days })),
});
