import { describe, expect, it } from "vitest";
import { inputTypesLib, schemaType } from "./input-types";

describe("types of a TypeScript cell's inputs", () => {
  it("types parameters from their schema; defaults make them always present", () => {
    expect(
      schemaType({
        type: "object",
        properties: {
          repos: { type: "array", items: { type: "string" } },
          mode: { enum: ["fast", "slow"] },
          n: { type: "integer", default: 1 },
        },
        required: ["repos"],
      }),
    ).toBe('{ "repos": Array<string>; "mode"?: "fast" | "slow"; "n": number; }');
  });

  it("types a TypeScript upstream by its cell's result and others as any", () => {
    const task = (
      key: string,
      name: string,
      language: "python" | "typescript",
      dependsOn: string[] = [],
    ) => ({
      key,
      name,
      language,
      dependsOn,
      code: "",
      retries: 0,
      retryDelaySeconds: 0,
      retryBackoff: "none" as const,
    });
    const lib = inputTypesLib({
      parameters: { type: "object", properties: { label: { type: "string" } } },
      tasks: [
        task("k1", "stars", "typescript"),
        task("k2", "raw", "python"),
        task("k3", "report", "typescript", ["stars", "raw"]),
      ],
    });
    expect(lib).toContain(
      '"report": { "label"?: string; "stars": __Result<typeof import("./cells/k1")>; "raw": any; };',
    );
    expect(lib).toContain('"stars": { "label"?: string; };');
  });
});
