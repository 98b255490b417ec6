import { listFlows } from "../../flows/list-flows.ts";
import { router, userProcedure } from "../init.ts";

export const flowsRouter = router({
  list: userProcedure.query(async ({ ctx }) =>
    (await listFlows(ctx.db)).map((f) => ({ ...f, updatedAt: f.updatedAt.toISOString() })),
  ),
});
