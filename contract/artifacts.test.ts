import { describe, expect, it } from "vitest";
import { ArtifactNameSchema, contentTypeOf } from "./artifacts.ts";

describe("artifact names", () => {
  it("are relative paths without . or .. parts, backslashes or control characters", () => {
    for (const ok of ["report.html", "plots/loss.png", "a b/c-d_e.tar.gz", "..hidden", "é.txt"]) {
      expect(ArtifactNameSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of [
      "",
      "/etc/passwd",
      "../up",
      "a/../b",
      "a//b",
      "./a",
      "a/",
      "a\\b",
      "a\u0000b",
      "x".repeat(256),
    ]) {
      expect(ArtifactNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("an artifact's content type", () => {
  it("comes from its extension, whatever its case; octet-stream when unknown", () => {
    expect(contentTypeOf("report.HTML")).toBe("text/html");
    expect(contentTypeOf("plots/loss.svg")).toBe("image/svg+xml");
    expect(contentTypeOf("data.parquet")).toBe("application/vnd.apache.parquet");
    expect(contentTypeOf("Makefile")).toBe("application/octet-stream");
    expect(contentTypeOf("archive.xyz")).toBe("application/octet-stream");
  });
});
