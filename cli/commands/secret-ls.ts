// `pipebook secret ls`: the secrets' names, when they changed and who changed them (no values:
// no endpoint returns one).
import { ListSecretsResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

export const secretLsCommand = defineCommand({
  name: "secret ls",
  aliases: ["secrets", "secret list"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the secrets: names, when and by whom they were set (never values)",
  help: `Lists the secrets by name with when each was last set and by whom. Values are write-only:
no command or endpoint shows them.`,
  options: {},
  run: async ({ api, values }) => {
    const result = await api().request("/api/v1/secrets", ListSecretsResponseSchema);
    if (!result.ok) throw new CliError(`could not list the secrets: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { secrets } = result.data;
    if (secrets.length === 0) {
      say("No secrets: set one with printf %s VALUE | pipebook secret set NAME");
      return;
    }
    say(
      table(
        ["NAME", "UPDATED", "BY"],
        secrets.map((s) => [s.name, s.updatedAt, s.updatedBy ?? ""]),
      ),
    );
  },
});
