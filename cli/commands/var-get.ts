// `pipebook var get NAME`: the value as a script wants it — text as it is, other values as JSON —
// or, with --history, every version with who set it when.
import { VariableHistoryResponseSchema, VariableSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export const varGetCommand = defineCommand({
  name: "var get",
  aliases: ["variable get"],
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "print a variable's value (or its history)",
  help: `Prints the variable's current value: text as it is, anything else as JSON.

Options:
  --history            every version, newest first, with who set it when`,
  options: { history: { type: "boolean", default: false } },
  run: async ({ api, values, positionals }) => {
    const name = positionals[0]!;
    const path = `/api/v1/variables/${encodeURIComponent(name)}`;
    if (values.history) {
      const result = await api().request(`${path}/history`, VariableHistoryResponseSchema);
      if (!result.ok) throw new CliError(`could not read variable ${name}: ${result.error}`);
      if (values.json) return sayJson(result.data);
      say(
        table(
          ["VERSION", "SET", "BY", "VALUE"],
          result.data.versions.map((v) => [
            String(v.version),
            v.createdAt,
            v.createdBy ?? "",
            show(v.value),
          ]),
        ),
      );
      return;
    }
    const result = await api().request(path, VariableSchema);
    if (!result.ok) throw new CliError(`could not read variable ${name}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    say(show(result.data.value));
  },
});
