import * as z from "zod";
import { listAgents } from "../../agents/list-agents.ts";
import { readProcedure, router } from "../init.ts";

export const agentsRouter = router({
  /** Every agent, online first; `all` adds those offline for more than a day. */
  list: readProcedure
    .input(z.object({ all: z.boolean().default(false) }).default({ all: false }))
    .query(({ ctx, input }) =>
      listAgents(ctx.db, { leaseMs: ctx.config.agents.leaseMs, all: input.all }),
    ),
});
