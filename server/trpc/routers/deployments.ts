import { listDeployments } from "../../deployments/get-deployment.ts";
import { router, userProcedure } from "../init.ts";

export const deploymentsRouter = router({
  list: userProcedure.query(({ ctx }) => listDeployments(ctx.db)),
});
