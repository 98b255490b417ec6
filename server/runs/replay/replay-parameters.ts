// A replay's parameters: the replayed run's, or the ones the request gives instead, validated
// against the replay's version (defaults filled in) — and which of them changed, since every
// task receives the flow's parameters and a result computed from other values cannot be reused.
import { canonicalJson } from "../../../contract/content-hash.ts";
import type { ParameterSchema } from "../../../contract/flow-file/schema.ts";
import type { ParameterValues } from "../../../contract/parameters.ts";
import { checkParameters } from "../../parameters/check-parameters.ts";
import { shortId } from "./plan-replay.ts";

export function replayParameters(input: {
  sourceRunId: string;
  /** The replayed run's parameters (as stored: validated, defaults filled in). */
  source: Record<string, unknown>;
  /** The parameter schema of the replayed run's version. */
  sourceSchema: ParameterSchema;
  /** The parameter schema of the replay's version, and where it is ("flow "x" v3"). */
  targetSchema: ParameterSchema;
  target: string;
  override?: Record<string, unknown>;
}): { values: ParameterValues; changed: string[] } {
  const values = checkParameters(input.targetSchema, input.override ?? input.source, {
    context: input.override
      ? `for the replay of run ${shortId(input.sourceRunId)} on ${input.target}`
      : `of run ${shortId(input.sourceRunId)} for ${input.target} (pass "parameters" to replay with others)`,
  });
  const declaredBefore = input.sourceSchema.properties ?? {};
  const names = [...new Set([...Object.keys(input.source), ...Object.keys(values)])];
  const changed = names.filter(
    (name) =>
      // A parameter the replayed version did not declare cannot have been read by name by the
      // code that made its results; a default for it alone leaves them valid.
      (name in input.source || name in declaredBefore) &&
      canonicalJson(input.source[name]) !== canonicalJson(values[name]),
  );
  return { values, changed: changed.sort() };
}
