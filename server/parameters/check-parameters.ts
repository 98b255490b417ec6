// Validating parameter values at the server's edge of the domain: the rules are the contract's
// (contract/parameters.ts); this turns their problems into the API's 400 with every field named.
import type { ParameterSchema } from "../../contract/flow-file/schema.ts";
import { validateParameters, type ParameterValues } from "../../contract/parameters.ts";
import { PipebookError } from "../errors.ts";

export function checkParameters(
  schema: ParameterSchema,
  values: unknown,
  options: { partial?: boolean; context: string },
): ParameterValues {
  const result = validateParameters(schema, values, options);
  if (result.ok) return result.values;
  const messages = result.issues.map((i) => i.message);
  throw new PipebookError(
    "invalid_parameters",
    `invalid parameters ${options.context}: ${messages.join("; ")}`,
    { issues: result.issues },
  );
}

/**
 * A deployment's run's parameters — the deployment's defaults overlaid with the run's own (given
 * by a trigger, a schedule, a backfill) — checked whole: a run starts with every required one.
 */
export function runParameters(
  schema: ParameterSchema,
  defaults: unknown,
  given: unknown,
  context: string,
): ParameterValues {
  return checkParameters(
    schema,
    { ...(defaults as Record<string, unknown>), ...(given as Record<string, unknown>) },
    { context },
  );
}
