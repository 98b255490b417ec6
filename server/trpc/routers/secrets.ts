// The studio's "Secrets & variables" page. Reads: secrets.list, variables.list,
// variables.history. Writes: secrets.set, secrets.remove, variables.set, variables.remove.
// No procedure returns a secret's value.
import * as z from "zod";
import { SecretValueSchema, VariableValueSchema } from "../../../contract/api-v1.ts";
import { SecretNameSchema, VariableNameSchema } from "../../../contract/secrets.ts";
import { deleteSecret } from "../../secrets/delete-secret.ts";
import { listSecrets } from "../../secrets/list-secrets.ts";
import { getSecretKey } from "../../secrets/secret-key.ts";
import { setSecret } from "../../secrets/set-secret.ts";
import { deleteVariable } from "../../variables/delete-variable.ts";
import { getVariableHistory, listVariables } from "../../variables/list-variables.ts";
import { setVariable } from "../../variables/set-variable.ts";
import { editProcedure, readProcedure, router } from "../init.ts";

export const secretsRouter = router({
  list: readProcedure.query(({ ctx }) => listSecrets(ctx.db)),

  set: editProcedure
    .input(z.object({ name: SecretNameSchema, value: SecretValueSchema }))
    .mutation(({ ctx, input }) =>
      setSecret(ctx.db, getSecretKey(), { ...input, actor: ctx.actor }),
    ),

  remove: editProcedure
    .input(z.object({ name: SecretNameSchema }))
    .mutation(({ ctx, input }) => deleteSecret(ctx.db, input.name, ctx.actor)),
});

export const variablesRouter = router({
  list: readProcedure.query(({ ctx }) => listVariables(ctx.db)),

  history: readProcedure
    .input(z.object({ name: VariableNameSchema }))
    .query(({ ctx, input }) => getVariableHistory(ctx.db, input.name)),

  set: editProcedure
    .input(z.object({ name: VariableNameSchema, value: VariableValueSchema }))
    .mutation(({ ctx, input }) =>
      setVariable(ctx.db, {
        name: input.name,
        value: input.value,
        actor: ctx.actor,
      }),
    ),

  remove: editProcedure
    .input(z.object({ name: VariableNameSchema }))
    .mutation(({ ctx, input }) => deleteVariable(ctx.db, input.name, ctx.actor)),
});
