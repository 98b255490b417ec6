import { describe, expect, it } from "vitest";
import { validateFlowFile } from "./flow-file/parse.ts";
import { canonicalJson, contentHash } from "./content-hash.ts";

describe("content hash", () => {
  it("ignores key order and spelled-out defaults", () => {
    const a = validateFlowFile({ name: "f", tasks: [{ name: "a", language: "shell", code: "x" }] });
    const b = validateFlowFile({
      tasks: [{ code: "x", retries: 0, dependsOn: [], language: "shell", name: "a" }],
      name: "f",
    });
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it("changes with any change of content", () => {
    const a = validateFlowFile({ name: "f", tasks: [{ name: "a", language: "shell", code: "x" }] });
    const b = validateFlowFile({ name: "f", tasks: [{ name: "a", language: "shell", code: "y" }] });
    expect(contentHash(a)).not.toBe(contentHash(b));
  });

  it("writes JSON with sorted keys", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }], e: undefined })).toBe(
      '{"a":[{"c":null,"d":2}],"b":1}',
    );
  });
});
