// `pipebook flow import FILE`: send a flow file to the server; a new version when it changed.
import fs from "node:fs";
import path from "node:path";
import { ImportFlowResponseSchema, type ImportFlowResponse } from "../../contract/api-v1.ts";
import type { ApiClient, Failure } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";

export function readFlowFile(file: string): { text: string; contentType: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const ext = path.extname(file).toLowerCase();
  const json =
    ext === ".json" || (ext !== ".yaml" && ext !== ".yml" && text.trimStart().startsWith("{"));
  return { text, contentType: json ? "application/json" : "application/yaml" };
}

/** Each problem of a refused flow file on its own line, prefixed file:line:column like a compiler. */
export function flowFailure(file: string, failure: Failure): CliError {
  const issues = failure.body?.error.issues ?? [];
  if (!issues.length) return new CliError(`${file}: ${failure.error}`);
  const lines = issues.map((issue) => {
    const loc = issue.location as { line?: number; column?: number } | undefined;
    const where = loc?.line ? `${file}:${loc.line}:${loc.column ?? 1}` : file;
    return `${where}: ${String(issue.message)}`;
  });
  return new CliError(`the flow was refused:\n${lines.join("\n")}`);
}

export async function importFlow(api: ApiClient, file: string): Promise<ImportFlowResponse> {
  const { text, contentType } = readFlowFile(file);
  const result = await api.request("/api/v1/flows", ImportFlowResponseSchema, {
    method: "POST",
    body: text,
    contentType,
  });
  if (!result.ok) throw flowFailure(file, result);
  return result.data;
}

export const flowImportCommand = defineCommand({
  name: "flow import",
  operands: "FILE",
  arity: { min: 1, max: 1 },
  summary: "import a flow file (YAML or JSON) as a new version",
  help: `Imports a flow file (YAML or JSON). Saving changed content makes a new immutable version;
the same content again keeps the latest version.`,
  options: {},
  async run({ api, values, positionals }) {
    const flow = await importFlow(api(), positionals[0]!);
    if (values.json) return sayJson(flow);
    say(
      flow.created
        ? `Imported flow ${flow.name}: version ${flow.version}`
        : `Flow ${flow.name} is unchanged: version ${flow.version}`,
    );
  },
});
