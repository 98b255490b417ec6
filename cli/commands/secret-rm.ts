// `pipebook secret rm NAME`.
import * as z from "zod";
import { defineCommand } from "../command.ts";
import { CliError, say } from "../output.ts";

export const secretRmCommand = defineCommand({
  name: "secret rm",
  aliases: ["secret delete"],
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "delete a secret",
  help: `Deletes the secret. Tasks that declare it fail when they start, saying it does not exist,
until it is set again; deploying a flow that declares it is refused.`,
  options: {},
  run: async ({ api, positionals }) => {
    const name = positionals[0]!;
    const result = await api().request(`/api/v1/secrets/${encodeURIComponent(name)}`, z.unknown(), {
      method: "DELETE",
    });
    if (!result.ok) throw new CliError(`could not delete secret ${name}: ${result.error}`);
    say(`Deleted secret ${name}`);
  },
});
