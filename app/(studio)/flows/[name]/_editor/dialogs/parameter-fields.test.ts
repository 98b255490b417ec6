import { describe, expect, it } from "vitest";
import { fieldsOf, schemaOf } from "./parameter-fields";

describe("parameter fields", () => {
  it("round-trips a schema through table rows, keeping what rows cannot show", () => {
    const schema = {
      type: "object" as const,
      properties: {
        repos: { type: "array" as const, items: { type: "string" as const }, default: ["a/b"] },
        label: { type: "string" as const, description: "shown on top", enum: ["x", "y"] },
        n: { type: "integer" as const, default: 3 },
      },
      required: ["repos"],
    };
    const fields = fieldsOf(schema);
    expect(fields.map((f) => [f.name, f.type, f.defaultText, f.required])).toEqual([
      ["repos", "array", '["a/b"]', true],
      ["label", "string", "", false],
      ["n", "integer", "3", false],
    ]);
    expect(schemaOf(fields)).toEqual({ schema, problems: [] });
  });

  it("names what is wrong: a bad name, a default that is not JSON, a duplicate", () => {
    const row = { type: "number" as const, required: false, description: "", extra: {} };
    const { problems } = schemaOf([
      { ...row, name: "1x", defaultText: "" },
      { ...row, name: "n", defaultText: "three" },
      { ...row, name: "n", defaultText: "" },
    ]);
    expect(problems).toEqual([
      '"1x" is not a usable parameter name: letters, digits and _, not starting with a digit',
      'the default of n is not valid JSON (write 3, true, ["a"]…)',
      "two fields are named n",
    ]);
  });
});
