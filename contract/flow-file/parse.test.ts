import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatFlowFile } from "./export.ts";
import { FlowFileError, type FlowIssue } from "./issues.ts";
import { checkFlowFile, checkFlowFileText, parseFlowFile, validateFlowFile } from "./parse.ts";

const example = fs.readFileSync(
  path.resolve(import.meta.dirname, "../../test/fixtures/github-stars.yaml"),
  "utf8",
);

function issuesOf(text: string, format: "yaml" | "json" = "yaml"): FlowIssue[] {
  const check = checkFlowFileText(text, format);
  expect(check.issues.length).toBeGreaterThan(0);
  return check.issues;
}

describe("parsing a flow file", () => {
  it("reads DESIGN.md's example and fills in the defaults", () => {
    const flow = parseFlowFile(example, "yaml");
    expect(flow.name).toBe("github-stars");
    expect(flow.tasks.map((t) => [t.name, t.language, t.dependsOn])).toEqual([
      ["get_stars", "python", []],
      ["report", "typescript", ["get_stars"]],
      ["notify", "shell", ["report"]],
    ]);
    const [getStars, report] = flow.tasks;
    expect(getStars).toMatchObject({ retries: 3, retryDelaySeconds: 2, retryBackoff: "none" });
    expect(report).toMatchObject({ retries: 0, retryDelaySeconds: 0 });
    expect(getStars!.code).toBe("def main(repos):\n    return {r: len(r) for r in repos}\n");
    expect(flow.parameters.required).toEqual(["repos"]);
  });

  it("reads the same flow from JSON", () => {
    const fromYaml = parseFlowFile(example, "yaml");
    expect(parseFlowFile(JSON.stringify(fromYaml), "json")).toEqual(fromYaml);
  });

  it("round-trips through export in both formats, leaving defaults out", () => {
    const flow = parseFlowFile(example, "yaml");
    const yaml = formatFlowFile(flow, "yaml");
    expect(yaml).not.toContain("retryBackoff");
    expect(yaml).toContain("code: |");
    expect(parseFlowFile(yaml, "yaml")).toEqual(flow);
    expect(parseFlowFile(formatFlowFile(flow, "json"), "json")).toEqual(flow);
  });

  it("accepts an empty flow (a new flow in the studio)", () => {
    expect(validateFlowFile({ name: "empty" }).tasks).toEqual([]);
  });

  it("accepts per-attempt retry delays, backoff, jitter, timeout and cache", () => {
    const flow = validateFlowFile({
      name: "policies",
      tasks: [
        {
          name: "a",
          language: "shell",
          code: "true",
          retries: 3,
          retryDelaySeconds: [1, 10, 60],
          retryBackoff: "exponential",
          retryJitter: 0.2,
          timeoutSeconds: 60,
          cache: { key: "inputs", expiresSeconds: 3600 },
        },
      ],
    });
    expect(flow.tasks[0]).toMatchObject({ retryDelaySeconds: [1, 10, 60], retryJitter: 0.2 });
  });
});

describe("refusing a bad flow file says what and where", () => {
  it("invalid YAML: the line", () => {
    const [issue] = issuesOf("name: x\ntasks:\n  - name: a\n   language: python\n");
    expect(issue!.message).toMatch(/^invalid YAML/);
    expect(issue!.location?.line).toBe(4);
  });

  it("invalid JSON: the line and column", () => {
    const [issue] = issuesOf('{"name": "x", "tasks": [}', "json");
    expect(issue!.message).toMatch(/^invalid JSON/);
    expect(issue!.location).toEqual({ line: 1, column: 25 });
    const trailing = issuesOf('{\n  "name": "x",\n  "tasks": [],\n}\n', "json")[0]!;
    expect(trailing.location).toEqual({ line: 4, column: 1 });
  });

  it("JSON: problems located at the key of the field, a missing field at its object", () => {
    const text = JSON.stringify(
      {
        name: "x",
        tasks: [
          { name: "a", language: "shell", code: "echo" },
          { name: "b", language: "shell", code: "echo", retries: -1 },
          { language: "shell", code: "echo" },
        ],
      },
      null,
      2,
    );
    const issues = issuesOf(text, "json");
    expect(issues.map((i) => [i.field ?? i.path.join("."), i.location])).toEqual([
      ["retries", { line: 13, column: 7 }],
      ["name", { line: 15, column: 5 }],
    ]);
  });

  it("a large JSON file is checked without parsing it again as YAML", () => {
    // 6.2 MB, 900,000 values: 13.6 s of the server's thread when JSON was parsed again as YAML
    // to locate problems; 0.2–0.4 s now (json-locator.ts). The bound leaves room for a busy CI.
    const flow = (values: number, tasks: unknown[] = []) => ({
      name: "large",
      parameters: {
        type: "object",
        properties: {
          xs: {
            type: "array",
            items: { type: "integer" },
            default: Array.from({ length: values }, (_, i) => i),
          },
        },
      },
      tasks: [{ name: "a", language: "shell", code: "echo" }, ...tasks],
    });
    const text = JSON.stringify(flow(900_000));
    // Measured against JSON.parse of the same text on the same machine, so that a busy CI slows
    // both: checking took ~5× a parse here, and ~270× when it parsed the text as YAML too.
    const time = (f: () => unknown) => {
      const started = performance.now();
      f();
      return performance.now() - started;
    };
    checkFlowFileText(JSON.stringify(flow(1_000)), "json"); // warm up the code paths first
    const parse = Math.min(...[1, 2, 3].map(() => time(() => JSON.parse(text))));
    let issues: unknown[] = [];
    const check = time(() => (issues = checkFlowFileText(text, "json").issues));
    expect(issues).toEqual([]);
    expect(check).toBeLessThan(40 * parse);
    // With a problem to locate, the file's tree is built once (~1 s for 900,000 values).
    const bad = JSON.stringify(flow(9_000, [{ name: "B" }]), null, 1);
    expect(checkFlowFileText(bad, "json").issues[0]).toMatchObject({
      task: "B",
      location: { line: 9_022, column: 3 },
    });
  }, 60_000);

  it("a YAML duplicate key", () => {
    const [issue] = issuesOf("name: x\nname: y\n");
    expect(issue!.message).toMatch(/unique/i);
    expect(issue!.location?.line).toBe(2);
  });

  it("text PostgreSQL cannot store, and hostile nesting", () => {
    const nul = issuesOf('name: x\ndescription: "a\\0b"\n')[0]!;
    expect(nul).toMatchObject({ path: ["description"], location: { line: 2 } });
    expect(nul.message).toBe("description holds a NUL character (\\u0000), which cannot be stored");
    const deep = `{"name":"d","parameters":${'{"type":"object","properties":{"a":'.repeat(40)}{}${"}}".repeat(40)}}`;
    expect(issuesOf(deep, "json")[0]!.message).toMatch(/nested more than 64 levels deep/);
    // Nesting the YAML parser could not survive is refused before it parses anything.
    for (const text of ["[".repeat(50_000), "- ".repeat(50_000) + "x", "{a: ".repeat(50_000)]) {
      expect(issuesOf(text)[0]!.message).toMatch(/nested too deeply/);
    }
    const indented = Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n");
    expect(issuesOf(indented)[0]!.message).toMatch(/nested too deeply \(indentation\)/);
  });

  it("a document that is not an object", () => {
    expect(issuesOf("- a\n- b\n")[0]!.message).toMatch(/must be an object.*got an array/);
  });

  it("an unknown field, with the task, the line and a suggestion", () => {
    const text =
      "name: x\ntasks:\n  - name: report\n    language: shell\n    code: echo\n    depends_on: [a]\n";
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({
      task: "report",
      field: "depends_on",
      location: { line: 6, column: 5 },
    });
    expect(issue!.message).toBe(
      'task "report": unknown field "depends_on" (did you mean "dependsOn"?)',
    );
  });

  it("a field of the wrong type or range", () => {
    const text =
      "name: x\ntasks:\n  - name: a\n    language: shell\n    code: echo\n    retries: -1\n";
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ task: "a", field: "retries", location: { line: 6 } });
    expect(issue!.message).toBe('task "a": retries must be ≥ 0');
    const wrongType = issuesOf(
      "name: x\ntasks:\n  - name: a\n    language: shell\n    code: 5\n",
    )[0]!;
    expect(wrongType.message).toBe('task "a": code must be a string (got number 5)');
  });

  it("an unknown language", () => {
    const [issue] = issuesOf("name: x\ntasks:\n  - name: a\n    language: rust\n    code: x\n");
    expect(issue!.message).toContain(
      'must be one of "python", "typescript", "shell" (got string "rust")',
    );
    expect(issue!.location?.line).toBe(4);
  });

  it("malformed names of the flow and of a task", () => {
    expect(issuesOf("name: My Flow\n")[0]!.message).toMatch(
      /^name must start with a lowercase letter/,
    );
    const task = issuesOf(
      "name: x\ntasks:\n  - name: Get-Stars\n    language: shell\n    code: x\n",
    )[0]!;
    expect(task.message).toMatch(/^task "Get-Stars": name must start with a lowercase letter/);
    const keyword = issuesOf(
      "name: x\ntasks:\n  - name: import\n    language: shell\n    code: x\n",
    )[0]!;
    expect(keyword.message).toMatch(/Python keyword/);
  });

  it("a duplicate task name", () => {
    const text =
      "name: x\ntasks:\n  - {name: a, language: shell, code: x}\n  - {name: a, language: shell, code: y}\n";
    const [issue] = issuesOf(text);
    expect(issue!.message).toBe('task "a": duplicate name, already used by tasks[0]');
    expect(issue!.location?.line).toBe(4);
  });

  it("an unknown dependency, with the closest name", () => {
    const text =
      "name: x\ntasks:\n  - {name: get_stars, language: shell, code: x}\n  - {name: b, language: shell, code: y, dependsOn: [get_star]}\n";
    const [issue] = issuesOf(text);
    expect(issue!.message).toBe(
      'task "b": dependsOn names "get_star", which is not a task of this flow (did you mean "get_stars"?)',
    );
    expect(issue!.location?.line).toBe(4);
  });

  it("a task that depends on itself", () => {
    const text = "name: x\ntasks:\n  - {name: a, language: shell, code: x, dependsOn: [a]}\n";
    expect(issuesOf(text)[0]!.message).toBe('task "a": dependsOn names the task itself');
  });

  it("a cycle, naming its tasks", () => {
    const text = [
      "name: x",
      "tasks:",
      "  - {name: a, language: shell, code: x, dependsOn: [c]}",
      "  - {name: b, language: shell, code: x, dependsOn: [a]}",
      "  - {name: c, language: shell, code: x, dependsOn: [b]}",
      "  - {name: d, language: shell, code: x}",
      "",
    ].join("\n");
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toBe("dependency cycle: a → b → c → a");
    expect(issues[0]).toMatchObject({ task: "a", field: "dependsOn", location: { line: 3 } });
  });

  it("every problem at once, in file order", () => {
    const text = [
      "name: x",
      "tasks:",
      "  - {name: a, language: shell, code: x, dependsOn: [zz]}",
      "  - {name: a, language: shell, code: x}",
      "",
    ].join("\n");
    expect(issuesOf(text).map((i) => i.location?.line)).toEqual([3, 4]);
  });

  it("the FlowFileError message summarises the issues", () => {
    expect(() =>
      parseFlowFile(
        "name: x\ntasks:\n  - {name: a, language: shell, code: x, dependsOn: [a]}\n",
        "yaml",
      ),
    ).toThrow(
      new FlowFileError([
        {
          path: [],
          message: 'task "a": dependsOn names the task itself',
          location: { line: 3, column: 53 },
        },
      ]).message,
    );
  });
});

describe("the parameter schema", () => {
  const flowWith = (parameters: unknown) => checkFlowFile({ name: "p", parameters }).issues;

  it("must be an object schema", () => {
    expect(flowWith({ type: "string" })[0]!.message).toBe(
      'parameter schema at type: the root must be "type: object" (got string "string")',
    );
  });

  it("may only use the subset's keywords", () => {
    const [issue] = flowWith({
      type: "object",
      properties: { a: { type: "string", format: "email" } },
    });
    expect(issue!.message).toBe('parameter schema: properties.a: unknown field "format"');
  });

  it("refuses a default that does not fit its own schema", () => {
    const [issue] = flowWith({
      type: "object",
      properties: { n: { type: "integer", default: "three" } },
    });
    expect(issue!.message).toBe(
      'parameter schema at properties.n.default: the value must be integer (got string "three")',
    );
  });

  it("refuses a required name that is not a property", () => {
    const [issue] = flowWith({ type: "object", properties: {}, required: ["repos"] });
    expect(issue!.message).toMatch(/repos/);
  });

  it("refuses a pattern that is not a regular expression", () => {
    const [issue] = flowWith({
      type: "object",
      properties: { a: { type: "string", pattern: "([" } },
    });
    expect(issue!.message).toMatch(/pattern/);
  });

  it("refuses an enum value of the wrong type and min > max", () => {
    const issues = flowWith({
      type: "object",
      properties: {
        e: { type: "string", enum: ["a", 2] },
        r: { type: "number", minimum: 5, maximum: 1 },
      },
    });
    expect(issues.map((i) => i.message)).toEqual([
      "parameter schema at properties.e.enum[1]: the value must be string (got number 2)",
      "parameter schema at properties.r: minimum 5 is greater than maximum 1",
    ]);
  });
});
