// Input binding (../DESIGN.md "Binding of inputs"), one rule for every language: a task gets the
// flow's parameters and the results of its direct upstream tasks, by name; an upstream result
// shadows a parameter of the same name. Below both, the run's context: `scheduled_at`, the run's
// slot (ISO 8601) — the same value as $PIPEBOOK_SCHEDULED_AT.
import { failuresInputName } from "../../contract/flow-file/mapping.ts";

export function taskInputs(
  parameters: Record<string, unknown>,
  dependsOn: readonly string[],
  results: ReadonlyMap<string, unknown>,
  failures: ReadonlyMap<string, unknown> = new Map(),
): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...parameters };
  for (const upstream of dependsOn) {
    inputs[upstream] = results.get(upstream) ?? null;
    // A `mapFailure: continue` task's failed items come along as <task>_failures.
    if (failures.has(upstream)) inputs[failuresInputName(upstream)] = failures.get(upstream);
  }
  return inputs;
}

/**
 * The inputs a task is called with: `inputs` over the run's context. The context stays out of the
 * cache key (run-task.ts), as Prefect keeps its runtime context out of task_input_hash: an hourly
 * run of a cached task must still hit its cache. A task whose result depends on its slot takes
 * the slot as a parameter, or is not cached.
 */
export function withRunContext(
  inputs: Record<string, unknown>,
  run: { scheduledAt?: string | undefined },
): Record<string, unknown> {
  return run.scheduledAt ? { scheduled_at: run.scheduledAt, ...inputs } : inputs;
}

/**
 * Shell tasks get each input as an environment variable named in upper case (`report` →
 * `$REPORT`; characters a variable name cannot hold become `_`), JSON-encoded unless a string.
 */
export function shellVariables(inputs: Record<string, unknown>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    const key = name
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, "_")
      .replace(/^(\d)/, "_$1");
    vars[key] = typeof value === "string" ? value : JSON.stringify(value ?? null);
  }
  return vars;
}
