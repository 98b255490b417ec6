import { describe, expect, it } from "vitest";
import { validateFlowFile } from "../../contract/flow-file/parse.ts";
import { compileTasks } from "./compile-tasks.ts";

const flow = (...tasks: { name: string; language: string; code: string }[]) =>
  validateFlowFile({ name: "f", tasks });

describe("compiling cells at save time", () => {
  it("turns TypeScript into JavaScript and keeps other languages as written", async () => {
    const result = await compileTasks(
      flow(
        {
          name: "ts",
          language: "typescript",
          code: "export default function main({ a }: { a: number }): number {\n  return a + 1;\n}\n",
        },
        {
          name: "py",
          language: "python",
          code: "import os\n\n@cache\nasync def main(x):\n    return x\n",
        },
        { name: "sh", language: "shell", code: "echo hi" },
      ),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compiled.ts).toContain("function main({ a }) {");
    expect(result.compiled.ts).not.toContain(": number");
    expect(result.compiled.ts).toContain("sourceMappingURL=data:application/json");
    expect(result.compiled.py).toBe("import os\n\n@cache\nasync def main(x):\n    return x\n");
    expect(result.compiled.sh).toBe("echo hi");
  });

  it("accepts `export function main` as the entry point", async () => {
    const result = await compileTasks(
      flow({
        name: "ts",
        language: "typescript",
        code: "export async function main() { return 1 }",
      }),
    );
    expect(result.ok).toBe(true);
  });

  it("names the task, line and column of a TypeScript syntax error", async () => {
    const result = await compileTasks(
      flow({
        name: "report",
        language: "typescript",
        code: "export default function main() {\n  const x = ;\n}\n",
      }),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: ["tasks", 0, "code"],
          task: "report",
          field: "code",
          codeLocation: { line: 2, column: 13 },
          message:
            'task "report": TypeScript syntax error at line 2, column 13 of its code: Unexpected ";"',
        },
      ],
    });
  });

  it("refuses cells without the entry point the binding calls", async () => {
    const result = await compileTasks(
      flow(
        { name: "ts", language: "typescript", code: "function main() {}" },
        { name: "py", language: "python", code: "print('hi')\n" },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([
      'task "ts": a TypeScript cell must export its entry point: "export default function main(…)" or "export function main(…)"',
      'task "py": a Python cell must define main(...), e.g. "def main():"',
    ]);
  });
});
