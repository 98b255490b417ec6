// `pipebook flows` (or `flow ls`): every flow with its latest version, when it last changed and
// what it is for.
import { table } from "../table.ts";
import { ListFlowsResponseSchema, type ListFlowsResponse } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";

const DESCRIPTION_CHARS = 60;

export const flowsCommand = defineCommand({
  name: "flows",
  aliases: ["flow ls", "flows ls"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the flows: name, latest version, last change, description",
  help: `Lists every flow with its latest version, when it last changed (a new version, a rename)
and the first line of its description.`,
  options: {},
  async run({ api, values }) {
    const result = await api().request("/api/v1/flows", ListFlowsResponseSchema);
    if (!result.ok) throw new CliError(`could not list the flows: ${result.error}`);
    if (values.json) return sayJson(result.data);
    const { flows } = result.data;
    if (!flows.length) {
      say("No flows yet: import one with `pipebook flow import FILE` or create one in the studio.");
      return;
    }
    say(flowTable(flows));
  },
});

export function flowTable(flows: ListFlowsResponse["flows"]): string {
  return table(
    ["NAME", "VERSION", "UPDATED", "DESCRIPTION"],
    flows.map((f) => [f.name, String(f.version), localTime(f.updatedAt), summary(f.description)]),
  );
}

/** "2026-01-31 14:05", in the machine's time zone. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function summary(description: string): string {
  const first = description.trim().split("\n")[0] ?? "";
  return first.length > DESCRIPTION_CHARS ? `${first.slice(0, DESCRIPTION_CHARS - 1)}…` : first;
}
