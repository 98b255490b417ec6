// A failing task's traceback starts at the task's own code, names the cell as `<task NAME>` with
// the cell's line numbers, and shows none of the kernel's frames. Real python3 and node kernels.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimedRun,
  execute,
  startKernels,
  taskEvent,
  type Kernels,
} from "../../test/support/agent-harness.ts";

let kernels: Kernels;
beforeAll(() => {
  kernels = startKernels();
});
afterAll(async () => {
  await kernels.close();
});

const tracebackOf = async (
  tasks: { name: string; language: "python" | "typescript"; code: string }[],
): Promise<Record<string, string>> => {
  const { events } = await execute(kernels, await claimedRun({ name: "tb", tasks }), {
    taskConcurrency: 1,
  });
  return Object.fromEntries(
    tasks.map((t) => [t.name, taskEvent(events, t.name, "Failed").error?.traceback ?? ""]),
  );
};

describe("tracebacks of failing tasks", () => {
  it("Python: from the task's first frame, the cell's lines, library frames kept", async () => {
    const tb = await tracebackOf([
      {
        name: "transform",
        language: "python",
        code: "import json\n\ndef parse(text):\n    return json.loads(text)\n\ndef main():\n    return parse('{')\n",
      },
      {
        name: "later",
        language: "python",
        code: "async def main():\n    raise ValueError('bad')\n",
      },
      { name: "loading", language: "python", code: "x = 1 / 0\ndef main():\n    return x\n" },
    ]);
    expect(tb.transform).toMatch(
      /^Traceback \(most recent call last\):\n {2}File "<task transform>", line 7, in main\n/,
    );
    expect(tb.transform).toContain('File "<task transform>", line 4, in parse');
    expect(tb.transform).toContain("    return json.loads(text)");
    expect(tb.transform).toMatch(/File ".*json.*", line \d+, in loads/);
    expect(tb.later).toMatch(/^Traceback[^\n]*\n {2}File "<task later>", line 2, in main\n/);
    expect(tb.loading).toContain('File "<task loading>", line 1, in <module>');
    for (const text of Object.values(tb)) {
      expect(text).not.toContain("kernel.py");
      expect(text).not.toContain("asyncio");
    }
  });

  it("Python: a syntax error found at run time shows the cell's line, no frames", async () => {
    const run = await claimedRun({
      name: "tb",
      tasks: [{ name: "ok", language: "python", code: "def main():\n    return 1\n" }],
    });
    // Saved flows are checked at save; an agent can still meet code its Python cannot parse.
    run.tasks[0]!.code = "def main():\n    return (1 +\n";
    const { events } = await execute(kernels, run);
    const tb = taskEvent(events, "ok", "Failed").error!.traceback!;
    expect(tb).toMatch(/^ {2}File "<task ok>", line 2\n/);
    expect(tb).toContain("SyntaxError");
    expect(tb).not.toContain("kernel.py");
  });

  it("TypeScript: the cell's lines through the source map, none of the kernel's frames", async () => {
    const tb = await tracebackOf([
      {
        name: "report",
        language: "typescript",
        code: "function total(rows: number[]): number {\n  throw new TypeError('no rows');\n}\nexport default async function main() {\n  await Promise.resolve();\n  return total([]);\n}\n",
      },
      {
        name: "parse",
        language: "typescript",
        code: "export default function main() {\n  return JSON.parse('{');\n}\n",
      },
      {
        name: "loading",
        language: "typescript",
        code: "const rows: number[] = (null as any).rows;\nexport default () => rows;\n",
      },
    ]);
    expect(tb.report!.split("\n")).toEqual([
      "TypeError: no rows",
      "    at total (<task report>:2:9)",
      "    at main (<task report>:6:10)",
    ]);
    expect(tb.parse).toMatch(
      /^SyntaxError: [^\n]*JSON[^\n]*\n {4}at JSON\.parse \(<anonymous>\)\n {4}at main \(<task parse>:2:15\)$/,
    );
    expect(tb.loading).toMatch(
      /^TypeError: [^\n]*\n {4}at (<anonymous> \()?<task loading>:1:\d+\)?$/,
    );
    for (const text of Object.values(tb)) {
      expect(text).not.toContain("kernel.mjs");
      expect(text).not.toContain("node:internal");
      expect(text).not.toContain("/tmp/");
    }
  });
});
