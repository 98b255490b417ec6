// The studio's API keys page and the "Add agent" dialog: thin over server/auth/api-keys.ts,
// which decides who may make, see and revoke which key.
import * as z from "zod";
import { CreateApiKeyRequestSchema } from "../../../contract/api-v1.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys.ts";
import { readProcedure, router } from "../init.ts";

export const apiKeysRouter = router({
  list: readProcedure.query(({ ctx }) => listApiKeys(ctx.db, ctx.principal)),
  create: readProcedure
    .input(CreateApiKeyRequestSchema)
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.principal, input)),
  revoke: readProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.principal, input.id)),
});
