import { describe, expect, it } from "vitest";
import { explainBuildFailure } from "./build-failure.ts";

describe("explainBuildFailure", () => {
  it("names the package pip could not find", () => {
    const tail = [
      "ERROR: Could not find a version that satisfies the requirement nosuch==9.9 (from versions: none)",
      "ERROR: No matching distribution found for nosuch==9.9",
    ];
    expect(explainBuildFailure("pip", tail)).toBe(
      'pip could not install the dependencies: no matching distribution for "nosuch==9.9"',
    );
  });

  it("names the npm package that does not exist, scoped ones included", () => {
    expect(
      explainBuildFailure("npm", [
        "npm error code E404",
        "npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fnope - Not found",
      ]),
    ).toBe('npm could not install the dependencies: npm package "@acme/nope" does not exist');
    expect(
      explainBuildFailure("npm", ["npm error notarget No matching version found for zod@99.0.0."]),
    ).toMatch(/no version of npm package matches "zod@99\.0\.0\."/);
  });

  it("says only what failed when the output names nothing", () => {
    expect(explainBuildFailure("uv", ["something odd"])).toBe(
      "uv could not install the dependencies",
    );
  });
});
