// `pipebook flow deps NAME`: a flow version's dependency sets — as declared, and the exact
// versions the first build on an agent resolved (the lock later runs install).
import { FlowVersionResponseSchema } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

const listed = (value: string[] | Record<string, string>) =>
  Array.isArray(value)
    ? value.join(" ")
    : Object.entries(value)
        .map(([name, version]) => `${name.replace(/^(.*\/)?node_modules\//, "")}@${version}`)
        .join(" ");

export const flowDepsCommand = defineCommand({
  name: "flow deps",
  aliases: ["flow lock"],
  operands: "NAME",
  arity: { min: 1, max: 1 },
  summary: "show a flow version's dependencies and their locked versions",
  help: `Shows each distinct set of packages the flow's tasks install (python requirements, npm
packages), and the exact versions the first agent that built it resolved — the lock every later
run installs. "not built yet" until an agent ran a task that needs it.

Options:
  --version N          that version (default: the latest)`,
  options: { version: { type: "string" } },
  run: async ({ api, values, positionals }) => {
    const name = positionals[0]!;
    const version = values.version ?? "latest";
    if (!/^(\d+|latest)$/.test(version))
      throw new CliError(`--version must be a version number (got "${version}")`);
    const result = await api().request(
      `/api/v1/flows/${encodeURIComponent(name)}/versions/${version}`,
      FlowVersionResponseSchema,
    );
    if (!result.ok) throw new CliError(`could not read flow ${name}: ${result.error}`);
    if (values.json) return sayJson(result.data.environments);
    const sets = result.data.environments;
    if (!sets.length) {
      say(`Flow ${name} v${result.data.version} declares no dependencies.`);
      return;
    }
    say(
      table(
        ["LANGUAGE", "DECLARED", "LOCKED", "BY"],
        sets.map((s) => [
          s.language,
          listed(s.declared),
          s.resolved ? listed(s.resolved) : "not built yet",
          s.agent ?? "",
        ]),
      ),
    );
  },
});
