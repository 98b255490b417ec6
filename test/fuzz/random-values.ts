// Random inputs for the fuzz tests: a seeded generator (a failure names its seed, and the same
// seed makes the same requests again), values shaped by a route's or a procedure's own schema
// (so that most requests get past the first check and reach the code behind it), then mutated
// (a field dropped, retyped, or given a value chosen to break things).
import crypto from "node:crypto";
import * as z from "zod";

export type Rng = {
  /** In [0, 1). */
  next(): number;
  int(below: number): number;
  chance(p: number): boolean;
  pick<T>(values: readonly T[]): T;
};

/** mulberry32: small, fast, and the same sequence for a seed on every machine. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (below) => Math.floor(next() * below),
    chance: (p) => next() < p,
    pick: (values) => values[Math.floor(next() * values.length)]!,
  };
}

/** Strings that have broken servers: encodings, injections, limits, lookalikes of valid input. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\uffff",
  "😀".repeat(50),
  "x".repeat(10_000),
  '\'; DROP TABLE "Flow"; --',
  "' OR '1'='1",
  "../../../../etc/passwd",
  "%00",
  "%",
  "%zz",
  "<script>alert(1)</script>",
  "${7*7}{{7*7}}",
  "__proto__",
  "constructor",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "0x10",
  "2026-13-45T99:99:99Z",
  "0000-01-01T00:00:00Z",
  "275760-09-13T00:00:00.001Z",
  "00000000-0000-0000-0000-000000000000",
  "*/5 * * * *",
  "a/b",
  "a b",
  "A".repeat(256),
];

export const NASTY_NUMBERS: readonly number[] = [
  0,
  -1,
  1.5,
  -0.000001,
  2 ** 31,
  2 ** 31 - 1,
  2 ** 53,
  -(2 ** 63),
  1e308,
  5e-324,
];

export function randomJson(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(NASTY_NUMBERS);
    case 3:
      return rng.pick(NASTY_STRINGS);
    case 4:
      return rng.int(1000);
    case 5:
      return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, () => [
          rng.pick(["a", "name", "id", "__proto__", "constructor", "x".repeat(300)]),
          randomJson(rng, depth + 1),
        ]),
      );
  }
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
};

/** The JSON Schema of what a zod schema accepts, or "anything" where zod has no JSON form. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    return {};
  }
}

/**
 * Values that exist in the database (ids, names): a string field gets one of them now and then,
 * so a request reaches the code that finds the thing and acts on it, not only "not found".
 */
export type KnownValues = { uuids: string[]; names: string[] };

/** A value the schema accepts, as far as a schema tells (patterns and refinements aside). */
export function valueOf(schema: JsonSchema, rng: Rng, known: KnownValues, depth = 0): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return rng.pick(schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices?.length) return valueOf(rng.pick(choices), rng, known, depth);
  if (schema.allOf?.length) return valueOf(schema.allOf[0]!, rng, known, depth);
  const type = Array.isArray(schema.type) ? rng.pick(schema.type) : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || (depth < 4 && rng.chance(0.5))) {
          out[key] = valueOf(property, rng, known, depth + 1);
        }
      }
      if (!schema.properties && depth < 3 && rng.chance(0.5)) {
        out[rng.pick(known.names.length ? known.names : ["k"])] = randomJson(rng, depth + 1);
      }
      return out;
    }
    case "array": {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? min + 3, min + 3);
      const length = depth > 3 ? min : min + rng.int(max - min + 1);
      return Array.from({ length }, (_, i) =>
        valueOf(schema.prefixItems?.[i] ?? schema.items ?? {}, rng, known, depth + 1),
      );
    }
    case "string":
      return stringOf(schema, rng, known);
    case "integer":
    case "number": {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? min + 100;
      const value = min + rng.next() * Math.min(max - min, 1e6);
      return type === "integer" ? Math.floor(value) : value;
    }
    case "boolean":
      return rng.chance(0.5);
    case "null":
      return null;
    default:
      return randomJson(rng, depth + 1);
  }
}

function stringOf(schema: JsonSchema, rng: Rng, known: KnownValues): string {
  switch (schema.format) {
    case "uuid":
      return rng.chance(0.6) && known.uuids.length ? rng.pick(known.uuids) : crypto.randomUUID();
    case "date-time":
      return new Date(Date.now() + (rng.next() - 0.5) * 8.64e10).toISOString();
    case "uri":
      return rng.pick(["http://127.0.0.1:9/x", "https://example.org/hook", "file:///etc/passwd"]);
    case "email":
      return `fuzz${rng.int(1000)}@example.org`;
  }
  if (rng.chance(0.4) && known.names.length) return rng.pick(known.names);
  if (rng.chance(0.3) && known.uuids.length) return rng.pick(known.uuids);
  const length = Math.max(schema.minLength ?? 1, 1 + rng.int(12));
  return Array.from({ length }, () => rng.pick([..."abcdefghij-_0123456789"])).join("");
}

/** The value with one change that a schema should refuse, or that reaches a rarer branch. */
export function mutate(value: unknown, rng: Rng): unknown {
  if (value === null || typeof value !== "object") {
    return rng.chance(0.5) ? rng.pick(NASTY_STRINGS) : randomJson(rng);
  }
  if (Array.isArray(value)) {
    if (!value.length || rng.chance(0.2)) {
      return rng.chance(0.5) ? [...value, randomJson(rng)] : randomJson(rng);
    }
    const copy = [...value];
    const i = rng.int(copy.length);
    copy[i] = mutate(copy[i], rng);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = rng.int(4);
  if (!keys.length || roll === 0) copy[rng.pick(["extra", "__proto__", "id"])] = randomJson(rng);
  else if (roll === 1) delete copy[rng.pick(keys)];
  else {
    const key = rng.pick(keys);
    copy[key] = mutate(copy[key], rng);
  }
  return copy;
}

/** A value for the schema: as it asks most of the time, otherwise mutated once or twice. */
export function inputFor(schema: JsonSchema, rng: Rng, known: KnownValues): unknown {
  let value = valueOf(schema, rng, known);
  for (let times = rng.int(3); times > 0 && rng.chance(0.7); times--) value = mutate(value, rng);
  return value;
}
