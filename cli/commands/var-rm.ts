// `pipebook var rm NAME`.
import * as z from "zod";
import { defineCommand } from "../command.ts";
import { CliError, say } from "../output.ts";

export const varRmCommand = defineCommand({
  name: "var rm",
  aliases: ["var delete", "variable rm"],
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "delete a variable and its history",
  help: `Deletes the variable with every earlier version. Tasks that declare it fail when they
start, saying it does not exist, until it is set again.`,
  options: {},
  run: async ({ api, positionals }) => {
    const name = positionals[0]!;
    const result = await api().request(
      `/api/v1/variables/${encodeURIComponent(name)}`,
      z.unknown(),
      { method: "DELETE" },
    );
    if (!result.ok) throw new CliError(`could not delete variable ${name}: ${result.error}`);
    say(`Deleted variable ${name}`);
  },
});
