// `pipebook flow storage FLOW [STORAGE] [--clear]`: show, choose or clear the storage a flow's
// runs write large results to (server/storage/storage-choice.ts: a deployment's own choice, else
// its flow's, else local).
import { FlowStorageSchema, type FlowStorage } from "../../contract/api-v1.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { table } from "../table.ts";

const SOURCES = {
  deployment: "its own",
  flow: "follows the flow",
  default: "default",
} as const;

function show(view: FlowStorage): void {
  say(
    `Flow ${view.flow}: storage ${view.storage ?? `${view.effective} (none chosen: the default)`}`,
  );
  if (!view.deployments.length) return;
  say(
    table(
      ["DEPLOYMENT", "STORAGE", "CHOSEN BY"],
      view.deployments.map((d) => [d.name, d.storage, SOURCES[d.source]]),
    ),
  );
}

export const flowStorageCommand = defineCommand({
  name: "flow storage",
  operands: "FLOW [STORAGE]",
  arity: { min: 1, max: 2 },
  summary: "show, choose or clear the storage of a flow's large results",
  help: `Without STORAGE, shows the flow's storage and where each of its deployments writes.
With STORAGE (a name from \`pipebook storage ls\`), the flow's runs write their large results
there — those of every deployment deployed without --storage, and Run cell's. --clear goes back
to the default, local (as choosing local does).

  pipebook flow storage etl s3-results
  pipebook flow storage etl --clear

Options:
  --clear              no storage chosen: the server's local folder`,
  options: { clear: { type: "boolean" } },
  run: async ({ api, values, positionals }) => {
    const [flow, storage] = positionals as [string, string | undefined];
    if (storage !== undefined && values.clear) {
      throw new CliError(`give a STORAGE or --clear, not both`);
    }
    const path = `/api/v1/flows/${encodeURIComponent(flow)}/storage`;
    const change = values.clear ? null : storage;
    const result =
      change === undefined
        ? await api().request(path, FlowStorageSchema)
        : await api().request(path, FlowStorageSchema, {
            method: "PUT",
            body: JSON.stringify({ storage: change }),
          });
    if (!result.ok) {
      throw new CliError(
        `could not ${change === undefined ? "read" : "set"} the storage of flow ${flow}: ${result.error}`,
      );
    }
    if (values.json) return sayJson(result.data);
    show(result.data);
  },
});
