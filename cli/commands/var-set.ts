// `pipebook var set NAME VALUE`: a variable's new value — JSON when it reads as JSON, else the
// text (the rule of shell results); --string keeps it text.
import fs from "node:fs";
import { SetVariableResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";

export function variableValue(text: string, asString: boolean): unknown {
  if (asString) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const varSetCommand = defineCommand({
  name: "var set",
  aliases: ["variable set"],
  operands: "NAME [VALUE]",
  arity: { min: 1, max: 2 },
  summary: "set a variable (a new version when the value changes)",
  help: `Sets the variable: its value becomes a new version (earlier ones are kept; pipebook var get
NAME --history lists them). VALUE is read as JSON when it is JSON (42, true, {"a":1}, "text"),
else taken as text. Tasks that declare it (variables: [NAME]) read it.

  pipebook var set REGION eu-west-1
  pipebook var set LIMITS '{"rows": 1000}'
  pipebook var set CONFIG --from-file config.json

Options:
  --string             take VALUE as text even if it reads as JSON ("42" stays text)
  --from-file FILE     read the value from FILE (as JSON when it is, else as text)`,
  options: {
    string: { type: "boolean", default: false },
    "from-file": { type: "string" },
  },
  run: async ({ api, values, positionals }) => {
    const [name, given] = positionals as [string, string | undefined];
    const file = values["from-file"];
    if ((given === undefined) === (file === undefined)) {
      throw new CliError("give the value as VALUE or with --from-file FILE (one of them)", 2);
    }
    let text = given;
    if (file !== undefined) {
      try {
        text = fs.readFileSync(file, "utf8");
      } catch (error) {
        throw new CliError(
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
        );
      }
    }
    const value = variableValue(text!, values.string);
    const result = await api().request(
      `/api/v1/variables/${encodeURIComponent(name)}`,
      SetVariableResponseSchema,
      { method: "PUT", body: JSON.stringify({ value }) },
    );
    if (!result.ok) throw new CliError(`could not set variable ${name}: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const v = result.data;
    say(
      v.changed
        ? `Set variable ${name} (version ${v.version}) to ${JSON.stringify(v.value)}`
        : `Variable ${name} already has this value (version ${v.version}): nothing changed`,
    );
  },
});
