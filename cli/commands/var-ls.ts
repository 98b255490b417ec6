// `pipebook var ls`: the variables with their current values.
import { ListVariablesResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

// A long value is cut in the list; `pipebook var get NAME` prints it whole.
const MAX_SHOWN = 60;

export const varLsCommand = defineCommand({
  name: "var ls",
  aliases: ["vars", "var list", "variable ls"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the variables with their values",
  help: `Lists the variables: name, current value (cut past ${MAX_SHOWN} characters; var get prints it
whole), version, and when and by whom it was last set.`,
  options: {},
  run: async ({ api, values }) => {
    const result = await api().request("/api/v1/variables", ListVariablesResponseSchema);
    if (!result.ok) throw new CliError(`could not list the variables: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { variables } = result.data;
    if (variables.length === 0) {
      say("No variables: set one with pipebook var set NAME VALUE");
      return;
    }
    say(
      table(
        ["NAME", "VERSION", "UPDATED", "BY", "VALUE"],
        variables.map((v) => {
          const text = typeof v.value === "string" ? v.value : JSON.stringify(v.value);
          return [
            v.name,
            String(v.version),
            v.updatedAt,
            v.updatedBy ?? "",
            text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text,
          ];
        }),
      ),
    );
  },
});
