import { describe, expect, it } from "vitest";
import {
  dependenciesOf,
  packagesText,
  packageTypesLib,
  requirementsText,
} from "./dependency-fields";

describe("dependency fields", () => {
  it("reads one requirement and one name@version per line, comments and blanks skipped", () => {
    expect(
      dependenciesOf(
        "pandas==2.2.3\n\n# plots\nmatplotlib>=3.8\n",
        "is-number@7.0.0\n@acme/util@^1.2\n",
      ),
    ).toEqual({
      deps: {
        python: { requirements: ["pandas==2.2.3", "matplotlib>=3.8"] },
        typescript: { packages: { "is-number": "7.0.0", "@acme/util": "^1.2" } },
      },
      problems: [],
    });
    expect(dependenciesOf("", "")).toEqual({ deps: {}, problems: [] });
  });

  it("names the line of a package without a version, or listed twice", () => {
    expect(dependenciesOf("", "zod\nx@1\nx@2").problems).toEqual([
      "npm packages, line 1: write name@version (e.g. is-number@7.0.0)",
      "npm packages, line 3: x is listed twice",
    ]);
  });

  it("writes the lists back as the fields show them", () => {
    const deps = {
      python: { requirements: ["a==1", "b"] },
      typescript: { packages: { "@s/x": "1.0.0", y: "^2" } },
    };
    expect(requirementsText(deps)).toBe("a==1\nb");
    expect(packagesText(deps)).toBe("@s/x@1.0.0\ny@^2");
    expect(dependenciesOf(requirementsText(deps), packagesText(deps)).deps).toEqual(deps);
  });

  it("declares each package and its subpaths as modules for the checker", () => {
    expect(packageTypesLib(["zod", "is-number", "zod"])).toBe(
      'declare module "is-number";\ndeclare module "is-number/*";\ndeclare module "zod";\ndeclare module "zod/*";',
    );
  });
});
