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
