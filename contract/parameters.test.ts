import { describe, expect, it } from "vitest";
import type { ParameterSchema } from "./flow-file/schema.ts";
import { checkParameterSchema, validateParameters } from "./parameters.ts";

const schema: ParameterSchema = {
  type: "object",
  properties: {
    repos: { type: "array", items: { type: "string" }, default: ["PrefectHQ/prefect"] },
    limit: { type: "integer", minimum: 1, maximum: 100 },
    mode: { type: "string", enum: ["fast", "full"], default: "fast" },
    options: { type: "object", properties: { verbose: { type: "boolean" } } },
    extra: { type: "object" },
  },
  required: ["repos", "limit"],
};

describe("validating run parameters", () => {
  it("applies defaults and keeps what was given", () => {
    expect(validateParameters(schema, { limit: 3 })).toEqual({
      ok: true,
      values: { limit: 3, repos: ["PrefectHQ/prefect"], mode: "fast" },
    });
  });

  it("never coerces: a number where a string is declared is refused, naming the field", () => {
    expect(validateParameters(schema, { limit: 3, repos: ["a", 7] })).toEqual({
      ok: false,
      issues: [
        { field: "repos[1]", message: 'parameter "repos[1]" must be string (got number 7)' },
      ],
    });
    expect(validateParameters(schema, { limit: "3" })).toMatchObject({
      ok: false,
      issues: [{ field: "limit", message: 'parameter "limit" must be integer (got string "3")' }],
    });
  });

  it("refuses unknown fields, at the top and inside declared objects", () => {
    const result = validateParameters(schema, { limit: 3, limt: 4, options: { verbos: true } });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          field: "limt",
          message:
            'parameter "limt" is not declared by the flow (the flow declares: repos, limit, mode, options, extra)',
        },
        {
          field: "options.verbos",
          message: 'parameter "options.verbos" is not declared by the flow',
        },
      ],
    });
  });

  it("leaves objects without declared properties free-form", () => {
    expect(validateParameters(schema, { limit: 1, extra: { anything: [1, 2] } }).ok).toBe(true);
  });

  it("reports missing required values, ranges and enums", () => {
    const result = validateParameters(schema, { limit: 0, mode: "slow" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message).sort()).toEqual([
      'parameter "limit" must be >= 1',
      'parameter "mode" must be one of "fast", "full" (got string "slow")',
    ]);
    const missing = validateParameters(
      { ...schema, properties: { ...schema.properties, repos: { type: "array" } } },
      {},
    );
    expect(missing).toMatchObject({ ok: false });
    if (!missing.ok) expect(missing.issues.map((i) => i.field).sort()).toEqual(["limit", "repos"]);
  });

  it("with partial, allows missing required values and adds no defaults", () => {
    expect(validateParameters(schema, { mode: "full" }, { partial: true })).toEqual({
      ok: true,
      values: { mode: "full" },
    });
    expect(validateParameters(schema, { mode: 1 }, { partial: true }).ok).toBe(false);
  });

  it("refuses parameters that are not an object", () => {
    expect(validateParameters(schema, [1])).toEqual({
      ok: false,
      issues: [{ field: "", message: "parameters must be an object (got an array)" }],
    });
  });

  it("does not change the values it was given", () => {
    const values = { limit: 3 };
    validateParameters(schema, values);
    expect(values).toEqual({ limit: 3 });
  });
});

describe("parameter patterns (untrusted: matched in linear time, on the server and in the studio)", () => {
  const nested: ParameterSchema = {
    type: "object",
    properties: { word: { type: "string", pattern: "^(a+)+$" } },
  };

  it("a pattern with nested quantifiers answers at once, where a backtracking engine took hours", () => {
    const started = performance.now();
    const result = validateParameters(nested, { word: `${"a".repeat(40)}!` });
    const elapsed = performance.now() - started;
    expect(result).toEqual({
      ok: false,
      issues: [{ field: "word", message: 'parameter "word" must match pattern "^(a+)+$"' }],
    });
    // ~2 ms measured here (a cold first compile included); 30 characters took RegExp seconds.
    expect(elapsed).toBeLessThan(1_000);
    expect(validateParameters(nested, { word: "a".repeat(40) }).ok).toBe(true);
  });

  it("a long value costs time linear in its length", () => {
    const started = performance.now();
    expect(validateParameters(nested, { word: `${"a".repeat(100_000)}!` }).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("keeps each schema's own patterns apart, and JavaScript's syntax works", () => {
    const a = { type: "object", properties: { v: { type: "string", pattern: "^a$" } } } as const;
    const b = { type: "object", properties: { v: { type: "string", pattern: "^b$" } } } as const;
    expect(validateParameters(a, { v: "a" }).ok).toBe(true);
    expect(validateParameters(b, { v: "b" }).ok).toBe(true);
    expect(validateParameters(b, { v: "a" }).ok).toBe(false);
    const js = {
      type: "object",
      properties: { d: { type: "string", pattern: "^(?<year>\\d{4})-\\d{2}\\u002d\\d{2}$" } },
    } as const;
    expect(validateParameters(js, { d: "2024-01-02" }).ok).toBe(true);
    expect(validateParameters(js, { d: "2024-1-02" }).ok).toBe(false);
  });

  it("a stored schema whose pattern RE2 cannot run is refused with a reason, not a crash", () => {
    const lookahead = {
      type: "object",
      properties: { p: { type: "string", pattern: "^(?=.*\\d).+$" } },
    } as const;
    expect(validateParameters(lookahead, { p: "a1" })).toMatchObject({
      ok: false,
      issues: [
        {
          field: "",
          message: expect.stringMatching(
            /^the flow's parameter schema cannot be used \(pattern "\^\(\?=\.\*\\\\d\)\.\+\$" cannot be used: .*\): save the flow again with it fixed$/,
          ),
        },
      ],
    });
  });
});

describe("checking a parameter schema's patterns", () => {
  const withPattern = (pattern: string) =>
    checkParameterSchema({
      type: "object",
      properties: { tags: { type: "array", items: { type: "string", pattern } } },
    }).map((i) => i.message);

  it("refuses look-around and back-references, naming the parameter and why", () => {
    expect(withPattern("^(?=a)b")).toEqual([
      'parameter schema at properties.tags.items.pattern: the pattern "^(?=a)b" of parameter "tags[]" cannot be used: error parsing regexp: invalid or unsupported Perl syntax: `(?=`; patterns run on RE2, which matches in linear time: no look-ahead, look-behind or back-references',
    ]);
    expect(withPattern("(a)\\1")[0]).toContain("invalid escape sequence: `\\1`");
    expect(withPattern("([")[0]).toContain("missing closing ]");
  });

  it("takes nested quantifiers, which RE2 runs in linear time", () => {
    expect(withPattern("^(a+)+$")).toEqual([]);
  });

  it("refuses patterns past their length limits", () => {
    expect(withPattern("a".repeat(1_001))[0]).toContain("is longer than 1000 characters");
    const many: Record<string, ParameterSchema> = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [
        `p${i}`,
        { type: "string", pattern: "a".repeat(1_000) },
      ]),
    );
    expect(
      checkParameterSchema({ type: "object", properties: many }).map((i) => i.message),
    ).toEqual(["parameter schema: its patterns hold 11000 characters together; at most 10000"]);
  });
});
