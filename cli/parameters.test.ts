import { describe, expect, it } from "vitest";
import type { ParameterSchema } from "../contract/flow-file/schema.ts";
import { CliError } from "./output.ts";
import { parseParamFlags, parseParamsJson } from "./parameters.ts";

const schema: ParameterSchema = {
  type: "object",
  properties: {
    tag: { type: "string" },
    n: { type: "integer" },
    dry: { type: "boolean" },
    repos: { type: "array", items: { type: "string" } },
  },
};

describe("--param values", () => {
  it("are typed by the flow's schema", () => {
    expect(
      parseParamFlags(["tag=123", "n=3", "dry=false", 'repos=["a/b"]', "free=x=y"], schema),
    ).toEqual({ tag: "123", n: 3, dry: false, repos: ["a/b"], free: "x=y" });
  });

  it("layer over --params", () => {
    expect(parseParamFlags(["n=2"], schema, parseParamsJson('{"n": 1, "tag": "t"}'))).toEqual({
      n: 2,
      tag: "t",
    });
  });

  it("are refused with a clear message when they cannot be what the schema says", () => {
    expect(() => parseParamFlags(["n=three"], schema)).toThrow(
      new CliError('--param n: expected a number (got "three")'),
    );
    expect(() => parseParamFlags(["repos=a"], schema)).toThrow(/expected JSON/);
    expect(() => parseParamFlags(["novalue"], schema)).toThrow(/NAME=VALUE/);
    expect(() => parseParamsJson("[1]")).toThrow(/JSON object/);
  });
});
