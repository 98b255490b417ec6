// A flow's parameters: its JSON Schema (the subset of contract/flow-file/schema.ts) and the
// strict validation of the values a run gets. Nothing is coerced: a number where a string is
// declared is refused, naming the field (Prefect users complain that everything becomes str).
// Shared by the server (API, runs) and the studio (the generated run form).
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { FlowIssue } from "./flow-file/issues.ts";
import { describeValue, formatPath } from "./flow-file/issues.ts";
import type { ParameterSchema } from "./flow-file/schema.ts";
import { MAX_PATTERNS_LENGTH, linearRegExp, patternProblem } from "./parameter-pattern.ts";

export type ParameterIssue = { field: string; message: string };

export type ParameterValues = Record<string, unknown>;

export type ParameterResult =
  { ok: true; values: ParameterValues } | { ok: false; issues: ParameterIssue[] };

const ajv = new Ajv({
  strict: true,
  // "minimum" without "type": "number" is harmless; refusing it would only annoy.
  strictTypes: false,
  strictTuples: false,
  // Every name in "required" must be declared in "properties".
  strictRequired: true,
  allErrors: true,
  useDefaults: true,
  coerceTypes: false,
  // Patterns are untrusted: matched by RE2 in linear time, never by a backtracking RegExp.
  code: { regExp: linearRegExp },
});

/**
 * The schema Ajv validates against: the user's, with every object that declares properties
 * closed (additionalProperties: false), so that unknown fields are refused rather than ignored.
 * An object without properties stays a free-form map.
 */
function closed(schema: ParameterSchema, isRoot = false): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema };
  if (schema.properties || isRoot) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, v]) => [k, closed(v)]),
    );
    out.additionalProperties = false;
  }
  if (schema.items) out.items = closed(schema.items);
  return out;
}

// Compiling costs ~1 ms; runs of one version share a schema, so keep the last few.
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: ParameterSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(closed(schema, true));
    if (compiled.size >= 200) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * Problems with the parameter schema itself (beyond its shape, which zod checks): the root must
 * be an object, the schema must compile (valid patterns, required names declared), and every
 * default and enum value must satisfy its own schema.
 */
export function checkParameterSchema(schema: ParameterSchema): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const at = (path: (string | number)[], message: string) =>
    issues.push({
      path: ["parameters", ...path],
      field: "parameters",
      message: `parameter schema${path.length ? ` at ${formatPath(path)}` : ""}: ${message}`,
    });

  if (schema.type !== "object") {
    at(["type"], `the root must be "type: object" (got ${describeValue(schema.type)})`);
    return issues;
  }
  let patternsLength = 0;
  walk(schema, [], (node, path) => {
    if (node.pattern === undefined) return;
    patternsLength += node.pattern.length;
    const problem = patternProblem(node.pattern);
    if (problem) {
      at(
        [...path, "pattern"],
        `the pattern ${JSON.stringify(node.pattern)} of ${parameterLabel(path)} ${problem}`,
      );
    }
  });
  if (patternsLength > MAX_PATTERNS_LENGTH) {
    at(
      [],
      `its patterns hold ${patternsLength} characters together; at most ${MAX_PATTERNS_LENGTH}`,
    );
  }
  if (issues.length) return issues;
  try {
    validatorFor(schema);
  } catch (error) {
    at([], (error as Error).message.replace(/^strict mode: /, ""));
    return issues;
  }
  walk(schema, [], (node, path) => {
    if (node.minimum !== undefined && node.maximum !== undefined && node.minimum > node.maximum) {
      at(path, `minimum ${node.minimum} is greater than maximum ${node.maximum}`);
    }
    if (
      node.minLength !== undefined &&
      node.maxLength !== undefined &&
      node.minLength > node.maxLength
    ) {
      at(path, `minLength ${node.minLength} is greater than maxLength ${node.maxLength}`);
    }
    const own = { ...node };
    delete own.default;
    delete own.enum;
    if (node.default !== undefined) {
      for (const problem of valueProblems(own, node.default)) {
        at([...path, "default"], problem);
      }
    }
    node.enum?.forEach((value, i) => {
      for (const problem of valueProblems(own, value)) at([...path, "enum", i], `${problem}`);
    });
  });
  return issues;
}

/** `parameter "repos[]"` for the schema path properties.repos.items: what a node describes. */
function parameterLabel(path: readonly (string | number)[]): string {
  let name = "";
  for (let i = 0; i < path.length; i++) {
    if (path[i] === "items") name += "[]";
    else if (path[i] === "properties") name += `${name ? "." : ""}${String(path[++i])}`;
  }
  return name ? `parameter "${name}"` : "the parameters";
}

function walk(
  node: ParameterSchema,
  path: (string | number)[],
  visit: (node: ParameterSchema, path: (string | number)[]) => void,
) {
  visit(node, path);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    walk(child, [...path, "properties", name], visit);
  }
  if (node.items) walk(node.items, [...path, "items"], visit);
}

function valueProblems(schema: ParameterSchema, value: unknown): string[] {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(closed(schema));
  } catch {
    return [];
  }
  if (validate(structuredClone(value))) return [];
  return (validate.errors ?? []).map((e) => describeError(e, structuredClone(value)).message);
}

/**
 * Validates a run's parameter values against the flow's schema. Defaults are applied and the
 * values returned. With `partial`, missing required values are allowed and no defaults are
 * filled in (a deployment's defaults may leave some parameters to the run).
 */
export function validateParameters(
  schema: ParameterSchema,
  values: unknown,
  options: { partial?: boolean } = {},
): ParameterResult {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    return {
      ok: false,
      issues: [
        { field: "", message: `parameters must be an object (got ${describeValue(values)})` },
      ],
    };
  }
  let validate: ValidateFunction;
  try {
    validate = validatorFor(schema);
  } catch (error) {
    // A version saved before patterns ran on RE2 may hold one RE2 cannot run (a look-ahead).
    return {
      ok: false,
      issues: [
        {
          field: "",
          message: `the flow's parameter schema cannot be used (${(error as Error).message.replace(/^strict mode: /, "")}): save the flow again with it fixed`,
        },
      ],
    };
  }
  const candidate = structuredClone(values) as ParameterValues;
  if (validate(candidate)) {
    return { ok: true, values: options.partial ? (values as ParameterValues) : candidate };
  }
  const issues = (validate.errors ?? [])
    .filter((e) => !(options.partial && e.keyword === "required"))
    .map((e) => describeError(e, values, schema));
  return issues.length ? { ok: false, issues } : { ok: true, values: values as ParameterValues };
}

/** "repos[0]" for the instance path "/repos/0". */
function fieldName(instancePath: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return formatPath(parts);
}

function valueAt(root: unknown, instancePath: string): unknown {
  let node = root;
  for (const part of instancePath.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node;
}

function describeError(
  error: ErrorObject,
  root: unknown,
  schema?: ParameterSchema,
): ParameterIssue {
  const parent = fieldName(error.instancePath);
  const join = (name: string) => (parent ? `${parent}.${name}` : name);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      const field = join(String(params.missingProperty));
      return { field, message: `parameter "${field}" is required` };
    }
    case "additionalProperties": {
      const field = join(String(params.additionalProperty));
      const declared = parent ? undefined : Object.keys(schema?.properties ?? {});
      const list = declared
        ? declared.length
          ? ` (the flow declares: ${declared.join(", ")})`
          : " (the flow declares no parameters)"
        : "";
      return { field, message: `parameter "${field}" is not declared by the flow${list}` };
    }
    case "type": {
      const got = describeValue(valueAt(root, error.instancePath));
      return {
        field: parent,
        message: `${label(parent)} must be ${params.type} (got ${got})`,
      };
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      const got = describeValue(valueAt(root, error.instancePath));
      return { field: parent, message: `${label(parent)} must be one of ${allowed} (got ${got})` };
    }
    default:
      return { field: parent, message: `${label(parent)} ${error.message ?? "is invalid"}` };
  }
}

function label(field: string): string {
  return field ? `parameter "${field}"` : "the value";
}
