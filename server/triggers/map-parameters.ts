// From what fired a trigger to the parameters of the run it creates — pure, unit-tested. A
// webhook's body is read through JSON pointers; a finished run's task results and parameters
// through "<task>", "<task>/<pointer>" and "parameters/<name>". The run's parameters are then
// validated like any run's (server/triggers/fire-trigger.ts), so this only finds the values.
import { pointerTokens, resolvePointer } from "../../contract/json-pointer.ts";

export class MappingError extends Error {
  constructor(
    message: string,
    /** Where in the input the problem is ("body/user/id", "extract/rows"). */
    readonly field: string,
  ) {
    super(message);
    this.name = "MappingError";
  }
}

const PARAMETERS_PREFIX = "parameters";

/** Why a mapping source is malformed, or null: for a webhook, every source is a JSON pointer. */
export function webhookSourceProblem(source: string): string | null {
  return pointerTokens(source) === null
    ? `"${source}" is not a JSON pointer into the body: write "" for the whole body or start with "/", e.g. "/repository/name"`
    : null;
}

export type CompletionSource =
  | { kind: "parameter"; name: string; pointer: string }
  | { kind: "result"; task: string; pointer: string };

/** Reads "<task>", "<task>/<pointer>" or "parameters/<name>[/<pointer>]"; null if malformed. */
export function parseCompletionSource(source: string): CompletionSource | null {
  const slash = source.indexOf("/");
  const head = slash < 0 ? source : source.slice(0, slash);
  const rest = slash < 0 ? "" : source.slice(slash);
  if (!/^[a-z][a-z0-9_]*$/.test(head) || pointerTokens(rest) === null) return null;
  if (head === PARAMETERS_PREFIX) {
    const tokens = pointerTokens(rest)!;
    if (!tokens[0]) return null;
    return { kind: "parameter", name: tokens[0], pointer: rest.slice(tokens[0].length + 1) };
  }
  return { kind: "result", task: head, pointer: rest };
}

/**
 * The parameters a webhook's body gives. With no map the body (an object) is the parameters;
 * with a map each parameter takes the value at its pointer, and a pointer that finds nothing
 * leaves the parameter out (its default, or the "required" refusal, then applies).
 */
export function webhookParameters(
  map: Record<string, string>,
  body: unknown,
): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    const got = body === null ? "null" : Array.isArray(body) ? "an array" : `a ${typeof body}`;
    throw new MappingError(`the body must be a JSON object (got ${got})`, "body");
  }
  if (Object.keys(map).length === 0) return body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [parameter, pointer] of Object.entries(map)) {
    const found = resolvePointer(body, pointer);
    if (found.found) out[parameter] = found.value;
  }
  return out;
}

/** What a finished run offers a completion trigger: its parameters and its tasks' results. */
export type SourceRun = {
  parameters: Record<string, unknown>;
  /** Task name → result; a task without a result is absent. */
  results: Record<string, unknown>;
};

/** The parameters a finished run gives; a source that finds nothing is a MappingError. */
export function completionParameters(
  map: Record<string, string>,
  run: SourceRun,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [parameter, text] of Object.entries(map)) {
    const source = parseCompletionSource(text);
    if (!source) {
      throw new MappingError(`parameter "${parameter}": "${text}" is not a source`, text);
    }
    const [document, where] =
      source.kind === "parameter"
        ? [run.parameters, `parameters/${source.name}`]
        : [run.results, source.task];
    const key = source.kind === "parameter" ? source.name : source.task;
    if (!Object.hasOwn(document, key)) {
      throw new MappingError(
        source.kind === "parameter"
          ? `parameter "${parameter}": the source run has no parameter "${key}"`
          : `parameter "${parameter}": task "${key}" of the source run has no result`,
        where,
      );
    }
    const found = resolvePointer(document[key], source.pointer);
    if (!found.found) {
      throw new MappingError(
        `parameter "${parameter}": nothing at "${found.missing}" in ${source.kind === "parameter" ? `parameter "${key}"` : `the result of task "${key}"`} of the source run`,
        `${where}${found.missing}`,
      );
    }
    out[parameter] = found.value;
  }
  return out;
}
