// The studio's Users page and Account page: thin over server/accounts.
import * as z from "zod";
import {
  ChangePasswordRequestSchema,
  CreateInviteRequestSchema,
  UpdateUserRequestSchema,
} from "../../../contract/api-v1.ts";
import { changePassword } from "../../accounts/change-password.ts";
import { createInvite, listInvites, revokeInvite } from "../../accounts/invites.ts";
import { getAccount } from "../../accounts/account.ts";
import { listUsers, updateUser } from "../../accounts/users.ts";
import { adminProcedure, readProcedure, router } from "../init.ts";

const IdSchema = z.object({ id: z.string().min(1).max(300) });

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  update: adminProcedure
    .input(IdSchema.extend({ change: UpdateUserRequestSchema }))
    .mutation(({ ctx, input }) => updateUser(ctx.db, ctx.principal, input.id, input.change)),
});

export const invitesRouter = router({
  list: adminProcedure.query(({ ctx }) => listInvites(ctx.db)),
  create: adminProcedure
    .input(CreateInviteRequestSchema.extend({ origin: z.url().max(300) }))
    .mutation(({ ctx, input: { origin, ...request } }) =>
      createInvite(ctx.db, ctx.principal, request, new URL(origin).origin),
    ),
  revoke: adminProcedure
    .input(IdSchema)
    .mutation(({ ctx, input }) => revokeInvite(ctx.db, ctx.principal, input.id)),
});

export const accountRouter = router({
  get: readProcedure.query(({ ctx }) => getAccount(ctx.db, ctx.principal)),
  changePassword: readProcedure
    .input(ChangePasswordRequestSchema)
    .mutation(({ ctx, input }) => changePassword(ctx.db, ctx.principal, input)),
});
