// Writing a flow back as a file: defaults left out so files stay short and diffs small, code as
// YAML block literals so a cell reads as it does in the editor.
import { stringify } from "yaml";
import type { FlowFileFormat } from "./parse.ts";
import { EMPTY_PARAMETERS, type FlowFile, type FlowFileInput, type Task } from "./schema.ts";

/** The flow as a person would write it: only what differs from the defaults. */
export function toFlowFileInput(flow: FlowFile): FlowFileInput {
  const out: FlowFileInput = { name: flow.name };
  if (flow.description) out.description = flow.description;
  if (JSON.stringify(flow.parameters) !== JSON.stringify(EMPTY_PARAMETERS)) {
    out.parameters = flow.parameters;
  }
  if (flow.python) out.python = flow.python;
  if (flow.typescript) out.typescript = flow.typescript;
  out.tasks = flow.tasks.map(compactTask);
  return out;
}

// Key order is the order a reader wants: identity, wiring, policy, then the code.
function compactTask(task: Task): NonNullable<FlowFileInput["tasks"]>[number] {
  return {
    name: task.name,
    language: task.language,
    ...(task.dependsOn.length ? { dependsOn: task.dependsOn } : {}),
    ...(task.retries ? { retries: task.retries } : {}),
    ...(task.retryDelaySeconds !== 0 ? { retryDelaySeconds: task.retryDelaySeconds } : {}),
    ...(task.retryBackoff !== "none" ? { retryBackoff: task.retryBackoff } : {}),
    ...(task.retryJitter !== undefined ? { retryJitter: task.retryJitter } : {}),
    ...(task.timeoutSeconds !== undefined ? { timeoutSeconds: task.timeoutSeconds } : {}),
    ...(task.cache ? { cache: task.cache } : {}),
    ...(task.secrets?.length ? { secrets: task.secrets } : {}),
    ...(task.variables?.length ? { variables: task.variables } : {}),
    ...(task.map !== undefined ? { map: task.map } : {}),
    ...(task.mapConcurrency !== undefined ? { mapConcurrency: task.mapConcurrency } : {}),
    ...(task.mapFailure !== undefined ? { mapFailure: task.mapFailure } : {}),
    ...(task.python ? { python: task.python } : {}),
    ...(task.typescript ? { typescript: task.typescript } : {}),
    code: task.code,
  };
}

export function formatFlowFile(flow: FlowFile, format: FlowFileFormat): string {
  const input = toFlowFileInput(flow);
  if (format === "json") return `${JSON.stringify(input, null, 2)}\n`;
  return stringify(input, { blockQuote: "literal", lineWidth: 0 });
}
