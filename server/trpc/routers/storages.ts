// The studio's Storage page: storages.list (anyone), storages.create and storages.remove (admins).
// No procedure returns a credential.
import * as z from "zod";
import { CreateStorageRequestSchema } from "../../../contract/api-v1.ts";
import { createStorage, deleteStorage, listStorages } from "../../storage/storages.ts";
import { adminProcedure, readProcedure, router } from "../init.ts";

export const storagesRouter = router({
  list: readProcedure.query(({ ctx }) => listStorages(ctx.db)),

  create: adminProcedure
    .input(CreateStorageRequestSchema)
    .mutation(({ ctx, input }) => createStorage(ctx.db, input, ctx.actor)),

  remove: adminProcedure
    .input(z.object({ name: z.string().min(1).max(63) }))
    .mutation(({ ctx, input }) => deleteStorage(ctx.db, input.name, ctx.actor)),
});
