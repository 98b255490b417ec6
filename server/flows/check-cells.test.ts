// Python and shell cells checked at save with the real python3 and bash (nothing is run).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateFlowFile } from "../../contract/flow-file/parse.ts";
import { parseBashError } from "./check-shell.ts";
import { compileTasks } from "./compile-tasks.ts";

const flow = (...tasks: { name: string; language: string; code: string }[]) =>
  validateFlowFile({ name: "f", tasks });

describe("syntax errors of Python and shell cells, found at save", () => {
  it("checks no Python when the check is turned off (agents on a newer Python)", async () => {
    const result = await compileTasks(
      flow({ name: "newer", language: "python", code: "type Rows = list[int]\ndef main(:\n" }),
      { python: null },
    );
    expect(result.ok).toBe(true);
  });

  it("names the task, line and column of a Python syntax error", async () => {
    const result = await compileTasks(
      flow(
        { name: "fine", language: "python", code: "def main():\n    return 1\n" },
        {
          name: "transform",
          language: "python",
          code: "def main(rows):\n    total = 0\n    for r in rows\n        total += r\n    return total\n",
        },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({
      path: ["tasks", 1, "code"],
      task: "transform",
      field: "code",
      codeLocation: { line: 3, column: 18 },
    });
    expect(result.issues[0]!.message).toMatch(
      /^task "transform": Python syntax error at line 3, column 18 of its code: expected ':' \(checked with Python 3\.\d+\.\d+; PIPEBOOK_CHECK_PYTHON/,
    );
  });

  it("finds indentation errors and code that never runs is still only compiled", async () => {
    const marker = path.join(os.tmpdir(), `pipebook-never-run-${process.pid}`);
    const result = await compileTasks(
      flow(
        {
          name: "side_effects",
          language: "python",
          code: `open(${JSON.stringify(marker)}, "w").write("ran")\ndef main():\n    return 1\n`,
        },
        { name: "indent", language: "python", code: "def main():\nreturn 1\n" },
      ),
    );
    expect(fs.existsSync(marker)).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.task, i.codeLocation?.line])).toEqual([["indent", 2]]);
    expect(result.issues[0]!.message).toContain("expected an indented block");
  });

  it("names the task and line of a shell syntax error", async () => {
    const result = await compileTasks(
      flow(
        { name: "ok", language: "shell", code: 'echo "fine"\n' },
        {
          name: "notify",
          language: "shell",
          code: 'echo start\nif [ -n "$X" ]; then\n  echo x\nfi fi\n',
        },
        { name: "quote", language: "shell", code: 'echo one\necho "two\n' },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).toEqual([
      'task "notify": shell syntax error at line 4 of its code: syntax error near unexpected token `fi\'',
      'task "quote": shell syntax error at line 2 of its code: unexpected EOF while looking for matching `"\'',
    ]);
    expect(result.issues[0]!.codeLocation).toEqual({ line: 4, column: 1 });
  });

  it("parses a shell cell too large for one argument from a file", async () => {
    const code = `${"echo padding\n".repeat(10_000)}done\n`;
    const result = await compileTasks(flow({ name: "big", language: "shell", code }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]!.codeLocation).toEqual({ line: 10_001, column: 1 });
  });

  it("skips a check whose interpreter is missing rather than refusing the save", async () => {
    const result = await compileTasks(
      flow(
        { name: "py", language: "python", code: "def main(:\n" },
        { name: "sh", language: "shell", code: "fi\n" },
      ),
      { python: "/nonexistent/python3", bash: "/nonexistent/bash" },
    );
    // The entry-point check still runs: "def main(" is there.
    expect(result.ok).toBe(true);
  });

  it("runs the interpreter a version manager's shim starts, not the shim, after the first check", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-shim-"));
    const shim = path.join(dir, "python3");
    fs.writeFileSync(shim, '#!/bin/sh\nexec python3 "$@"\n', { mode: 0o755 });
    const broken = (n: number) =>
      flow({ name: "py", language: "python", code: `def main(:  # ${n}\n` });
    expect((await compileTasks(broken(1), { python: shim })).ok).toBe(false);
    fs.rmSync(dir, { recursive: true });
    // The shim is gone: only the interpreter it ran can have checked this new code.
    expect((await compileTasks(broken(2), { python: shim })).ok).toBe(false);
  });

  it("checks a save of many cells in one python3 process", async () => {
    const cells = Array.from({ length: 200 }, (_, i) => ({
      name: `t${i}`,
      language: "python",
      code: `def main():\n    return ${i} + ${Math.random()}\n`,
    }));
    const started = performance.now();
    const result = await compileTasks(flow(...cells));
    expect(result.ok).toBe(true);
    // Measured here: ~60 ms for 200 new cells (one process); 200 processes would take seconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("reads bash's complaint: the error, not the quoted line after it", () => {
    expect(
      parseBashError(
        "bash: -c: line 3: syntax error near unexpected token `fi'\nbash: -c: line 3: `fi fi'\n",
        "a\nb\nfi fi\n",
      ),
    ).toEqual({ line: 3, column: 1, message: "syntax error near unexpected token `fi'" });
    // At the end of the file bash counts the line after the last one.
    expect(
      parseBashError("bash: -c: line 3: syntax error: unexpected end of file\n", "if true; then"),
    ).toEqual({ line: 1, column: 1, message: "syntax error: unexpected end of file" });
    expect(parseBashError("", "echo")).toBeNull();
  });
});
