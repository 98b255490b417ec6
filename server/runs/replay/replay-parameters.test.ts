import { describe, expect, it } from "vitest";
import type { ParameterSchema } from "../../../contract/flow-file/schema.ts";
import { replayParameters } from "./replay-parameters.ts";

const RUN = "11111111-aaaa-4aaa-8aaa-111111111111";
const V1: ParameterSchema = {
  type: "object",
  properties: { n: { type: "integer", default: 1 }, label: { type: "string" } },
};

const replay = (
  targetSchema: ParameterSchema,
  source: Record<string, unknown>,
  override?: Record<string, unknown>,
) =>
  replayParameters({
    sourceRunId: RUN,
    source,
    sourceSchema: V1,
    targetSchema,
    target: 'flow "etl" v2',
    override,
  });

describe("a replay's parameters", () => {
  it("are the replayed run's, unchanged", () => {
    expect(replay(V1, { n: 5 })).toEqual({ values: { n: 5 }, changed: [] });
  });

  it("a parameter new in the version, filled by its default, changes nothing", () => {
    const v2: ParameterSchema = {
      type: "object",
      properties: { ...V1.properties, limit: { type: "integer", default: 10 } },
    };
    expect(replay(v2, { n: 5 })).toEqual({ values: { n: 5, limit: 10 }, changed: [] });
  });

  it("a value that differs from the run's is a change: given, or a new default of a declared one", () => {
    expect(replay(V1, { n: 5 }, { n: 6, label: "x" })).toEqual({
      values: { n: 6, label: "x" },
      changed: ["label", "n"],
    });
    const v2: ParameterSchema = {
      type: "object",
      properties: { n: { type: "integer", default: 1 }, label: { type: "string", default: "z" } },
    };
    expect(replay(v2, { n: 5 }).changed).toEqual(["label"]);
    // Key order inside a value does not matter.
    const obj: ParameterSchema = { type: "object", properties: { o: { type: "object" } } };
    expect(
      replayParameters({
        sourceRunId: RUN,
        source: { o: { a: 1, b: 2 } },
        sourceSchema: obj,
        targetSchema: obj,
        target: "v1",
        override: { o: { b: 2, a: 1 } },
      }).changed,
    ).toEqual([]);
  });

  it("that no longer fit the version are refused, naming the parameter and how to override", () => {
    const v2: ParameterSchema = { type: "object", properties: { n: { type: "string" } } };
    expect(() => replay(v2, { n: 5 })).toThrow(
      expect.objectContaining({
        code: "invalid_parameters",
        message:
          'invalid parameters of run 11111111 for flow "etl" v2 (pass "parameters" to replay with others): parameter "n" must be string (got number 5)',
      }),
    );
    expect(replay(v2, { n: 5 }, { n: "five" })).toEqual({ values: { n: "five" }, changed: ["n"] });
    expect(() => replay(v2, { n: 5 }, { n: 6 })).toThrow(
      'invalid parameters for the replay of run 11111111 on flow "etl" v2: parameter "n" must be string',
    );
  });
});
