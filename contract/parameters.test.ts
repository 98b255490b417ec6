import { describe, expect, it } from "vitest";
import type { ParameterSchema } from "./flow-file/schema.ts";
import { validateParameters } from "./parameters.ts";

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
