import { describe, expect, it } from "vitest";
import { checkFlowFileText } from "./parse.ts";
import { environmentSpecHash, environmentSpecOf } from "./environment-spec.ts";
import { requirementName, requirementProblem, validateDependencies } from "./dependencies.ts";
import { formatFlowFile } from "./export.ts";

describe("requirementProblem", () => {
  it.each([
    "pandas",
    "pandas==2.2.3",
    "requests[socks,security]>=2.31,<3",
    "numpy ~= 1.26",
    "zope.interface!=5.0",
    "tomli>=1.1; python_version < '3.11'",
  ])("accepts %s", (requirement) => {
    expect(requirementProblem(requirement)).toBeUndefined();
  });

  it("refuses pip options, direct URLs and malformed text, saying what to write", () => {
    expect(requirementProblem("--index-url=http://evil/simple")).toMatch(
      /is a pip option.*--pip-index-url/,
    );
    expect(requirementProblem("pkg @ https://example.com/pkg.whl")).toMatch(/direct URL/);
    expect(requirementProblem("pandas=2.2")).toMatch(/not a requirement pip understands.*e\.g\./);
    expect(requirementProblem("  ")).toBe("is empty");
  });

  it("normalises names as pip compares them", () => {
    expect(requirementName("Zope_Interface.Foo>=1")).toBe("zope-interface-foo");
  });
});

describe("validateDependencies", () => {
  it("names the task and the field of each bad entry", () => {
    const issues = validateDependencies({ python: { requirements: ["ok==1", "bad=1"] } }, [
      {
        name: "load",
        language: "typescript",
        typescript: { packages: { "is-number": "7.0.0", Bad_Name: "1", zod: "not-a-range" } },
      },
      { name: "fit", language: "python", python: { requirements: ["a==1", "A==2"] } },
      { name: "sh", language: "shell", python: { requirements: ["x"] } },
    ]);
    expect(issues.map((i) => [i.path.join("."), i.task, i.message])).toEqual([
      [
        "python.requirements.1",
        undefined,
        expect.stringMatching(/^python\.requirements\[1\] "bad=1" is not a requirement/),
      ],
      [
        "tasks.0.typescript.packages.Bad_Name",
        "load",
        expect.stringMatching(/^task "load": typescript\.packages: "Bad_Name" is not a valid npm/),
      ],
      [
        "tasks.0.typescript.packages.zod",
        "load",
        expect.stringMatching(/"zod": "not-a-range" is not a valid version range/),
      ],
      ["tasks.1.python.requirements.1", "fit", expect.stringMatching(/names "a" again/)],
      [
        "tasks.2.python",
        "sh",
        expect.stringMatching(/apply only to a python task \(this one is shell\)/),
      ],
    ]);
  });

  it("refuses URLs, git and the SDK's own name as packages", () => {
    const issues = validateDependencies(
      { typescript: { packages: { pipebook: "1.0.0", left: "git+https://x/y.git" } } },
      [],
    );
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/"pipebook" is the SDK/),
      expect.stringMatching(/not a version range.*git/),
    ]);
  });

  it("reports problems on save with their line in a YAML file", () => {
    const check = checkFlowFileText(
      [
        "name: deps",
        "python:",
        "  requirements: ['pandas==2.2.3', '-e .']",
        "tasks:",
        "  - name: t",
        "    language: python",
        "    code: 'def main(): return 1'",
      ].join("\n"),
      "yaml",
    );
    expect(check.issues).toHaveLength(1);
    expect(check.issues[0]!.message).toMatch(/python\.requirements\[1\] "-e \." is a pip option/);
    expect(check.issues[0]!.location?.line).toBe(3);
  });

  it("keeps the fields through an export and a re-import", () => {
    const text = [
      "name: deps",
      "typescript: { packages: { is-number: 7.0.0 } }",
      "tasks:",
      "  - { name: t, language: python, python: { requirements: [six==1.16.0] }, code: x }",
    ].join("\n");
    const flow = checkFlowFileText(text, "yaml").flow!;
    const again = checkFlowFileText(formatFlowFile(flow, "yaml"), "yaml");
    expect(again.issues).toEqual([]);
    expect(again.flow).toEqual(flow);
    expect(again.flow?.tasks[0]?.python).toEqual({ requirements: ["six==1.16.0"] });
  });
});

describe("environmentSpecOf and environmentSpecHash", () => {
  const flow = {
    python: { requirements: ["a==1", "b==2"] },
    typescript: { packages: { "is-number": "7.0.0" } },
  };

  it("gives a task its own setting over the flow's, of its own language only", () => {
    expect(environmentSpecOf(flow, { name: "p", language: "python" })).toEqual({
      language: "python",
      requirements: ["a==1", "b==2"],
    });
    expect(
      environmentSpecOf(flow, { name: "p", language: "python", python: { requirements: [] } }),
    ).toBeUndefined();
    expect(environmentSpecOf(flow, { name: "s", language: "shell" })).toBeUndefined();
    expect(environmentSpecOf({}, { name: "t", language: "typescript" })).toBeUndefined();
  });

  it("hashes the same set alike whatever its order, and different sets apart", () => {
    const one = environmentSpecHash({ language: "python", requirements: ["a==1", "b==2"] });
    expect(environmentSpecHash({ language: "python", requirements: [" b==2", "a==1"] })).toBe(one);
    expect(environmentSpecHash({ language: "python", requirements: ["a==1", "b==3"] })).not.toBe(
      one,
    );
    const ts = environmentSpecHash({ language: "typescript", packages: { x: "1", y: "2" } });
    expect(environmentSpecHash({ language: "typescript", packages: { y: "2", x: "1" } })).toBe(ts);
    expect(ts).toMatch(/^[0-9a-f]{32}$/);
  });
});
