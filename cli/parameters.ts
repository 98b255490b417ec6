// `--param k=v` values typed by the flow's parameter schema: a string parameter keeps "123" as
// text, a number parameter parses it. The server still validates strictly; this only spares
// people from writing JSON for every value.
import type { ParameterSchema } from "../contract/flow-file/schema.ts";
import { CliError } from "./output.ts";

export function parseParamFlags(
  flags: readonly string[],
  schema: ParameterSchema,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const out = { ...base };
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw new CliError(`--param needs NAME=VALUE (got "${flag}")`);
    const name = flag.slice(0, eq);
    const raw = flag.slice(eq + 1);
    out[name] = typed(name, raw, schema.properties?.[name]);
  }
  return out;
}

function typed(name: string, raw: string, schema: ParameterSchema | undefined): unknown {
  const types =
    schema?.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 1 && types[0] === "string") return raw;
  if (types.length === 1 && (types[0] === "number" || types[0] === "integer")) {
    const n = Number(raw);
    if (raw.trim() === "" || Number.isNaN(n)) {
      throw new CliError(`--param ${name}: expected a number (got "${raw}")`);
    }
    return n;
  }
  if (types.length === 1 && types[0] === "boolean") {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new CliError(`--param ${name}: expected true or false (got "${raw}")`);
  }
  // Arrays, objects, several types or undeclared: JSON when it parses, else the text.
  try {
    return JSON.parse(raw);
  } catch {
    if (types.includes("array") || types.includes("object")) {
      throw new CliError(`--param ${name}: expected JSON (e.g. ${name}='["a","b"]'), got "${raw}"`);
    }
    return raw;
  }
}

export function parseParamsJson(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--params must be a JSON object: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CliError("--params must be a JSON object, e.g. --params '{\"n\": 3}'");
  }
  return value as Record<string, unknown>;
}
